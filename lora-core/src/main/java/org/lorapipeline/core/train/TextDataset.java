package org.lorapipeline.core.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.lorapipeline.core.llama.LlamaTokenizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tokenized training examples. Each record is tokenized as one text (with the tokenizer's BOS) followed by EOS, so
 * training sees the same ids as inference on that text and learns where an answer ends. Unless
 * {@code train_on_prompt}, labels before the response are {@link CausalLmLoss#IGNORE_INDEX}; the boundary is the
 * length of the prompt's own tokenization where it agrees with the whole text's (a merge across the boundary moves
 * it left, never right, so no prompt token is ever trained on).
 */
public final class TextDataset {
    private static final Logger log = LoggerFactory.getLogger(TextDataset.class);

    /** One training row: ids and labels of equal length. */
    public record Example(long[] ids, long[] labels) {
        public Example {
            if (ids.length != labels.length || ids.length < 2) {
                throw new IllegalArgumentException("example needs >= 2 tokens and one label per token");
            }
        }
    }

    /**
     * What tokenization did to the records.
     *
     * @param records           records read
     * @param truncated         records cut to max_seq_length
     * @param skippedNoResponse records without the response template (not trainable unless train_on_prompt)
     * @param skippedNoLabels   records whose response was cut away entirely by max_seq_length
     * @param examples          rows produced (after packing)
     * @param tokens            tokens in all rows
     * @param labelTokens       tokens that count in the loss
     */
    public record Stats(int records, int truncated, int skippedNoResponse, int skippedNoLabels, int examples,
                        long tokens, long labelTokens) {
        @Override
        public String toString() {
            return records + " records -> " + examples + " examples, " + tokens + " tokens (" + labelTokens
                    + " in the loss); " + truncated + " truncated to max_seq_length, " + skippedNoResponse
                    + " without response template skipped, " + skippedNoLabels + " with no response left skipped";
        }
    }

    private final List<Example> examples;
    private final Stats stats;

    private TextDataset(List<Example> examples, Stats stats) {
        this.examples = List.copyOf(examples);
        this.stats = stats;
    }

    public List<Example> examples() {
        return examples;
    }

    public Stats stats() {
        return stats;
    }

    /**
     * @param vocabSize the model's vocab_size; an id beyond it means tokenizer and model do not belong together
     * @throws IllegalArgumentException when nothing is trainable, saying why
     */
    public static TextDataset build(List<TextRecord> records, LlamaTokenizer tokenizer, int maxSeqLength,
                                    boolean trainOnPrompt, boolean packing, int vocabSize) {
        if (maxSeqLength < 2) {
            throw new IllegalArgumentException("max_seq_length must be >= 2, got " + maxSeqLength);
        }
        List<Example> rows = new ArrayList<>();
        int truncated = 0;
        int noResponse = 0;
        int noLabels = 0;
        String firstNoResponse = null;
        for (TextRecord r : records) {
            if (!r.hasResponse() && !trainOnPrompt) {
                noResponse++;
                firstNoResponse = firstNoResponse == null ? r.origin() : firstNoResponse;
                continue;
            }
            long[] body = tokenizer.encode(r.text());
            long[] ids = Arrays.copyOf(body, body.length + 1);
            ids[body.length] = tokenizer.eosId();
            for (long id : ids) {
                if (id < 0 || id >= vocabSize) {
                    throw new IllegalArgumentException(r.origin() + ": tokenizer produced id " + id + " but the model's"
                            + " vocab_size is " + vocabSize + "; the tokenizer does not belong to base_model");
                }
            }
            int labelStart = 0;
            if (!trainOnPrompt) {
                long[] prompt = tokenizer.encode(r.text().substring(0, r.promptChars()));
                labelStart = commonPrefix(ids, prompt);
            }
            long[] labels = ids.clone();
            Arrays.fill(labels, 0, labelStart, CausalLmLoss.IGNORE_INDEX);
            if (!packing && ids.length > maxSeqLength) {
                truncated++;
                ids = Arrays.copyOf(ids, maxSeqLength);
                labels = Arrays.copyOf(labels, maxSeqLength);
            }
            if (CausalLmLoss.countedTokens(new long[][] {labels}) == 0) {
                noLabels++;
                continue;
            }
            rows.add(new Example(ids, labels));
        }
        if (noResponse > 0) {
            log.warn("{} of {} records have no response_template (first: {}); they are skipped. Set train_on_prompt:"
                    + " true to train on the whole text", noResponse, records.size(), firstNoResponse);
        }
        if (truncated > 0) {
            log.warn("{} of {} records were longer than max_seq_length {} and were truncated", truncated,
                    records.size(), maxSeqLength);
        }
        if (packing) {
            rows = pack(rows, maxSeqLength);
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no trainable examples among " + records.size() + " records: "
                    + noResponse + " lack the response template, " + noLabels + " lose their whole response to"
                    + " max_seq_length " + maxSeqLength + "; check response_template / train_on_prompt /"
                    + " max_seq_length");
        }
        long tokens = rows.stream().mapToLong(e -> e.ids().length).sum();
        long counted = rows.stream().mapToLong(e -> CausalLmLoss.countedTokens(new long[][] {e.labels()})).sum();
        Stats stats = new Stats(records.size(), truncated, noResponse, noLabels, rows.size(), tokens, counted);
        log.info("dataset: {}", stats);
        return new TextDataset(rows, stats);
    }

    private static int commonPrefix(long[] a, long[] prefix) {
        int n = Math.min(a.length, prefix.length);
        int i = 0;
        while (i < n && a[i] == prefix[i]) {
            i++;
        }
        return i;
    }

    /**
     * Packing as TRL's ConstantLengthDataset: examples are concatenated (each already ends with EOS) and cut into
     * rows of exactly max_seq_length; the last row keeps the remainder. Attention crosses record boundaries inside a
     * row, as it does there.
     */
    static List<Example> pack(List<Example> rows, int maxSeqLength) {
        long total = rows.stream().mapToLong(e -> e.ids().length).sum();
        long[] ids = new long[Math.toIntExact(total)];
        long[] labels = new long[ids.length];
        int at = 0;
        for (Example e : rows) {
            System.arraycopy(e.ids(), 0, ids, at, e.ids().length);
            System.arraycopy(e.labels(), 0, labels, at, e.labels().length);
            at += e.ids().length;
        }
        List<Example> out = new ArrayList<>();
        for (int s = 0; s < ids.length; s += maxSeqLength) {
            int e = Math.min(ids.length, s + maxSeqLength);
            if (e - s < 2) {
                break;
            }
            long[] l = Arrays.copyOfRange(labels, s, e);
            if (CausalLmLoss.countedTokens(new long[][] {l}) > 0) {
                out.add(new Example(Arrays.copyOfRange(ids, s, e), l));
            }
        }
        return out;
    }
}
