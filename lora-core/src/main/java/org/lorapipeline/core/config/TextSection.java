package org.lorapipeline.core.config;

/**
 * Text-dataset settings; present only for {@link ModelFamily#LLM} configs.
 *
 * @param maxSeqLength     {@code max_seq_length}: records are cut to this many tokens
 * @param responseTemplate {@code response_template}: marks where the answer starts in each record
 * @param trainOnPrompt    {@code train_on_prompt}: false masks the loss on everything before the response template
 * @param packing          {@code packing}: concatenate short records into full-length sequences
 */
public record TextSection(int maxSeqLength, String responseTemplate, boolean trainOnPrompt, boolean packing) {
    public TextSection {
        ConfigKeys.MAX_SEQ_LENGTH.require(maxSeqLength);
        ConfigKeys.RESPONSE_TEMPLATE.require(responseTemplate);
    }
}
