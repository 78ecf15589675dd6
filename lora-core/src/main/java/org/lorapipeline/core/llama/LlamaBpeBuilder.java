package org.lorapipeline.core.llama;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Learns a small Llama-style BPE vocabulary from a corpus and writes it as a Hugging Face {@code tokenizer.json}
 * with the structure {@code convert_slow_tokenizer.LlamaConverter} produces: ids 0..2 are {@code <unk> <s> </s>},
 * then the 256 byte-fallback tokens {@code <0x00>..<0xFF>}, then characters and merges; the legacy normalizer
 * (prepend {@code ▁}, spaces to {@code ▁}), no pre-tokenizer, a post-processor that adds {@code <s>}, and the
 * decoder chain Replace/ByteFallback/Fuse/Strip. Used for tiny test models, which need a real tokenizer that the
 * HF tokenizers library loads; the tokenizers library has no trainer in DJL's binding, hence this one.
 */
public final class LlamaBpeBuilder {
    public static final String SPACE = "\u2581"; // ▁
    public static final String UNK = "<unk>";
    public static final String BOS = "<s>";
    public static final String EOS = "</s>";

    private static final ObjectMapper JSON = new ObjectMapper();

    private LlamaBpeBuilder() {}

    /** The learned vocabulary (token to id, in id order) and merges (in priority order). */
    public record Vocabulary(Map<String, Integer> vocab, List<String[]> merges) {}

    /**
     * Learns merges until the vocabulary has {@code vocabSize} entries (or no pair occurs twice).
     *
     * @param corpus    training text
     * @param vocabSize target size, at least 3 + 256 + the number of distinct characters
     */
    public static Vocabulary learn(List<String> corpus, int vocabSize) {
        // words as SentencePiece sees them after the legacy normalizer: every piece starts at a ▁
        Map<String, Integer> wordCounts = new TreeMap<>();
        for (String line : corpus) {
            String norm = SPACE + line.replace(" ", SPACE);
            int start = 0;
            for (int i = 1; i <= norm.length(); i++) {
                if (i == norm.length() || norm.startsWith(SPACE, i)) {
                    wordCounts.merge(norm.substring(start, i), 1, Integer::sum);
                    start = i;
                }
            }
        }
        Map<String, Integer> vocab = new LinkedHashMap<>();
        vocab.put(UNK, 0);
        vocab.put(BOS, 1);
        vocab.put(EOS, 2);
        for (int b = 0; b < 256; b++) {
            vocab.put(String.format("<0x%02X>", b), vocab.size());
        }
        List<List<String>> words = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        TreeMap<String, Boolean> chars = new TreeMap<>();
        for (Map.Entry<String, Integer> e : wordCounts.entrySet()) {
            List<String> symbols = new ArrayList<>();
            e.getKey().codePoints().forEach(cp -> {
                String s = new String(Character.toChars(cp));
                symbols.add(s);
                chars.put(s, true);
            });
            words.add(symbols);
            counts.add(e.getValue());
        }
        chars.keySet().forEach(c -> vocab.putIfAbsent(c, vocab.size()));
        if (vocab.size() > vocabSize) {
            throw new IllegalArgumentException("vocab_size " + vocabSize + " is below the " + vocab.size()
                    + " special, byte and character tokens the corpus needs");
        }
        List<String[]> merges = new ArrayList<>();
        while (vocab.size() < vocabSize) {
            Map<String, Integer> pairs = new HashMap<>();
            for (int w = 0; w < words.size(); w++) {
                List<String> s = words.get(w);
                for (int i = 0; i + 1 < s.size(); i++) {
                    pairs.merge(s.get(i) + "\u0000" + s.get(i + 1), counts.get(w), Integer::sum);
                }
            }
            String best = null;
            int bestCount = 1;
            for (Map.Entry<String, Integer> p : pairs.entrySet()) {
                // ties broken by the pair text so the vocabulary does not depend on hash order
                if (p.getValue() > bestCount || (p.getValue() == bestCount && best != null
                        && p.getKey().compareTo(best) < 0)) {
                    best = p.getKey();
                    bestCount = p.getValue();
                }
            }
            if (best == null) {
                break;
            }
            String[] pair = best.split("\u0000", -1);
            String merged = pair[0] + pair[1];
            if (vocab.containsKey(merged)) { // can only happen through an earlier merge; keep merges consistent
                break;
            }
            merges.add(pair);
            vocab.put(merged, vocab.size());
            for (List<String> s : words) {
                for (int i = 0; i + 1 < s.size(); i++) {
                    if (s.get(i).equals(pair[0]) && s.get(i + 1).equals(pair[1])) {
                        s.set(i, merged);
                        s.remove(i + 1);
                    }
                }
            }
        }
        return new Vocabulary(vocab, merges);
    }

    /** The {@code tokenizer.json} text for a learned vocabulary. */
    public static String tokenizerJson(Vocabulary v) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (String special : List.of(UNK, BOS, EOS)) {
            ObjectNode t = added.addObject();
            t.put("id", v.vocab().get(special));
            t.put("content", special);
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
        }
        ObjectNode normalizer = root.putObject("normalizer");
        normalizer.put("type", "Sequence");
        ArrayNode norms = normalizer.putArray("normalizers");
        norms.addObject().put("type", "Prepend").put("prepend", SPACE);
        ObjectNode replace = norms.addObject().put("type", "Replace");
        replace.putObject("pattern").put("String", " ");
        replace.put("content", SPACE);
        root.putNull("pre_tokenizer");
        ObjectNode post = root.putObject("post_processor");
        post.put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        single.addObject().putObject("SpecialToken").put("id", BOS).put("type_id", 0);
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        ArrayNode pair = post.putArray("pair");
        pair.addObject().putObject("SpecialToken").put("id", BOS).put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        pair.addObject().putObject("SpecialToken").put("id", BOS).put("type_id", 1);
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
        ObjectNode bos = post.putObject("special_tokens").putObject(BOS);
        bos.put("id", BOS);
        bos.putArray("ids").add(v.vocab().get(BOS));
        bos.putArray("tokens").add(BOS);
        ObjectNode decoder = root.putObject("decoder");
        decoder.put("type", "Sequence");
        ArrayNode decoders = decoder.putArray("decoders");
        ObjectNode back = decoders.addObject().put("type", "Replace");
        back.putObject("pattern").put("String", SPACE);
        back.put("content", " ");
        decoders.addObject().put("type", "ByteFallback");
        decoders.addObject().put("type", "Fuse");
        decoders.addObject().put("type", "Strip").put("content", " ").put("start", 1).put("stop", 0);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.put("unk_token", UNK);
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", true);
        model.put("byte_fallback", true);
        model.put("ignore_merges", false);
        ObjectNode vocab = model.putObject("vocab");
        v.vocab().forEach(vocab::put);
        ArrayNode merges = model.putArray("merges");
        v.merges().forEach(m -> merges.add(m[0] + " " + m[1]));
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code tokenizer_config.json} as transformers writes it for a LlamaTokenizerFast. */
    public static String tokenizerConfigJson(int modelMaxLength) {
        ObjectNode c = JSON.createObjectNode();
        c.put("add_bos_token", true);
        c.put("add_eos_token", false);
        c.put("bos_token", BOS);
        c.put("clean_up_tokenization_spaces", false);
        c.put("eos_token", EOS);
        c.put("legacy", true);
        c.put("model_max_length", modelMaxLength);
        c.putNull("pad_token");
        c.put("tokenizer_class", "LlamaTokenizerFast");
        c.put("unk_token", UNK);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(c);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
