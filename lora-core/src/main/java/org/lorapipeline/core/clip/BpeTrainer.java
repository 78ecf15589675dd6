package org.lorapipeline.core.clip;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Learns a small CLIP-layout BPE vocabulary from a corpus (for tiny test models): the 256 byte symbols, the same
 * with {@code </w>}, one symbol per learned merge, then {@code <|startoftext|>} and {@code <|endoftext|>}, the
 * order OpenAI's vocabulary uses. Merges are the most frequent adjacent pair each round, ties broken by the
 * pair's text so the result is deterministic.
 */
public final class BpeTrainer {
    private BpeTrainer() {}

    /** A trained vocabulary and merge list, ready for {@link ClipTokenizer#of} or writing to disk. */
    public record Result(Map<String, Integer> vocab, List<String> merges) {
        public Result {
            vocab = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(vocab));
            merges = List.copyOf(merges);
        }
    }

    public static Result train(List<String> corpus, int maxMerges) {
        Map<List<String>, Integer> words = new LinkedHashMap<>();
        for (String line : corpus) {
            for (String piece : ClipTokenizer.pieces(line)) {
                words.merge(ClipTokenizer.byteSymbols(piece), 1, Integer::sum);
            }
        }
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (String b : ClipTokenizer.byteSymbolsInVocabOrder()) {
            vocab.put(b, vocab.size());
        }
        for (String b : ClipTokenizer.byteSymbolsInVocabOrder()) {
            vocab.put(b + "</w>", vocab.size());
        }
        List<String> merges = new ArrayList<>();
        for (int round = 0; round < maxMerges; round++) {
            TreeMap<String, Integer> pairs = new TreeMap<>();
            for (Map.Entry<List<String>, Integer> e : words.entrySet()) {
                List<String> w = e.getKey();
                for (int i = 0; i < w.size() - 1; i++) {
                    pairs.merge(w.get(i) + " " + w.get(i + 1), e.getValue(), Integer::sum);
                }
            }
            String best = null;
            int bestCount = 1; // a pair seen once teaches nothing
            for (Map.Entry<String, Integer> p : pairs.entrySet()) {
                if (p.getValue() > bestCount) {
                    best = p.getKey();
                    bestCount = p.getValue();
                }
            }
            if (best == null) {
                break;
            }
            merges.add(best);
            String[] ab = best.split(" ");
            vocab.putIfAbsent(ab[0] + ab[1], vocab.size());
            Map<List<String>, Integer> next = new LinkedHashMap<>();
            for (Map.Entry<List<String>, Integer> e : words.entrySet()) {
                next.merge(apply(e.getKey(), ab[0], ab[1]), e.getValue(), Integer::sum);
            }
            words = next;
        }
        vocab.put(ClipTokenizer.BOS, vocab.size());
        vocab.put(ClipTokenizer.EOS, vocab.size());
        return new Result(vocab, merges);
    }

    private static List<String> apply(List<String> w, String a, String b) {
        List<String> out = new ArrayList<>(w.size());
        for (int i = 0; i < w.size(); i++) {
            if (i < w.size() - 1 && w.get(i).equals(a) && w.get(i + 1).equals(b)) {
                out.add(a + b);
                i++;
            } else {
                out.add(w.get(i));
            }
        }
        return out;
    }
}
