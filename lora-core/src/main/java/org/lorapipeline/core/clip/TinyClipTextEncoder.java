package org.lorapipeline.core.clip;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.lorapipeline.core.safetensors.DType;
import org.lorapipeline.core.safetensors.SafetensorsWriter;
import org.lorapipeline.core.sd.TinyStableDiffusion;
import org.lorapipeline.core.tensor.FloatTensor;

/**
 * The text half of a tiny Stable Diffusion: {@link TinyClip}'s text tower (hidden size {@link TinyClip#TEXT_HIDDEN},
 * the tiny UNet's cross-attention width) as SD's {@code text_encoder/} ({@code CLIPTextModel} config.json +
 * model.safetensors with {@code text_model.*} names) and {@code tokenizer/} (vocab.json, merges.txt and the two
 * small JSON files transformers' {@code CLIPTokenizer} reads), so a tiny model trains offline end to end.
 */
public final class TinyClipTextEncoder implements TinyStableDiffusion.TextEncoderPart {
    private final long seed;
    private final BpeTrainer.Result bpe;
    private final ClipConfig config;

    public TinyClipTextEncoder(long seed) {
        this.seed = seed;
        this.bpe = BpeTrainer.train(TinyClip.CORPUS, TinyClip.MERGES);
        this.config = TinyClip.config(bpe.vocab().size(), bpe.vocab().get(ClipTokenizer.EOS));
    }

    public ClipTextConfig textConfig() {
        return config.text();
    }

    @Override
    public void writeDiffusers(Path dir) throws IOException {
        Path te = dir.resolve("text_encoder");
        Files.createDirectories(te);
        TinyClip.writeJson(te.resolve("config.json"), config());
        SafetensorsWriter w = new SafetensorsWriter();
        tensors().forEach((k, t) -> w.add(k, t, DType.F32));
        w.write(te.resolve("model.safetensors"));
        writeTokenizer(dir.resolve("tokenizer"));
    }

    /** vocab.json, merges.txt, special_tokens_map.json and tokenizer_config.json into {@code dir}. */
    public void writeTokenizer(Path dir) throws IOException {
        Files.createDirectories(dir);
        TinyClip.writeTokenizer(dir, bpe);
        ObjectMapper json = new ObjectMapper();
        ObjectNode special = json.createObjectNode();
        special.put("bos_token", ClipTokenizer.BOS);
        special.put("eos_token", ClipTokenizer.EOS);
        special.put("pad_token", ClipTokenizer.EOS);
        special.put("unk_token", ClipTokenizer.EOS);
        TinyClip.writeJson(dir.resolve("special_tokens_map.json"), special);
        ObjectNode tc = special.deepCopy();
        tc.put("tokenizer_class", "CLIPTokenizer");
        tc.put("model_max_length", ClipTokenizer.CONTEXT_LENGTH);
        tc.put("do_lower_case", true);
        TinyClip.writeJson(dir.resolve("tokenizer_config.json"), tc);
    }

    @Override
    public Map<String, FloatTensor> tensors() {
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        TinyClip.values(config, seed).forEach((k, t) -> {
            if (k.startsWith("text_model.")) {
                out.put(k, t);
            }
        });
        return out;
    }

    @Override
    public ObjectNode config() {
        ClipTextConfig t = config.text();
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.putArray("architectures").add("CLIPTextModel");
        o.put("model_type", "clip_text_model");
        o.put("hidden_size", t.hiddenSize());
        o.put("intermediate_size", t.intermediateSize());
        o.put("num_attention_heads", t.numAttentionHeads());
        o.put("num_hidden_layers", t.numHiddenLayers());
        o.put("max_position_embeddings", t.maxPositionEmbeddings());
        o.put("vocab_size", t.vocabSize());
        o.put("hidden_act", t.hiddenAct().key());
        o.put("layer_norm_eps", t.layerNormEps());
        o.put("bos_token_id", bpe.vocab().get(ClipTokenizer.BOS));
        o.put("eos_token_id", t.eosTokenId());
        o.put("pad_token_id", t.eosTokenId());
        o.put("projection_dim", TinyClip.PROJECTION_DIM);
        o.put("torch_dtype", "float32");
        return o;
    }
}
