package org.lorapipeline.core.clip;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OpenAI CLIP's byte-level BPE tokenizer (the one Stable Diffusion 1.x and every CLIP checkpoint use), read from a
 * Hugging Face {@code vocab.json} + {@code merges.txt} pair. DJL's HF tokenizers binding needs a
 * {@code tokenizer.json}, which diffusers {@code tokenizer/} folders do not have, hence this implementation.
 *
 * <p>Rules, as in {@code transformers.CLIPTokenizer}: {@link #clean} (NFC, whitespace runs collapsed, CJK
 * ideographs as separate words, lower-cased); split by CLIP's regex; each piece's UTF-8 bytes mapped through GPT-2's byte-to-unicode table, the
 * last symbol marked with {@code </w>}; merges applied lowest rank first. {@link #encode} wraps the ids in BOS/EOS,
 * truncates the content to {@code contextLength - 2} and pads with EOS (SD's tokenizer pads with EOS too).
 *
 * <p>Thread-safe: the BPE cache is concurrent.
 */
public final class ClipTokenizer {
    /** CLIP's text context, BOS and EOS included. */
    public static final int CONTEXT_LENGTH = 77;
    public static final String BOS = "<|startoftext|>";
    public static final String EOS = "<|endoftext|>";

    private static final Pattern WORDS = Pattern.compile(
            "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+",
            Pattern.UNICODE_CHARACTER_CLASS | Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    private static final Pattern WHITESPACE = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);
    private static final String END_OF_WORD = "</w>";
    private static final char[] BYTE_TO_UNICODE = byteToUnicode();
    private static final int CACHE_LIMIT = 100_000;

    private final Map<String, Integer> vocab;
    private final String[] idToToken;
    private final Map<String, Integer> mergeRanks;
    private final int bosId;
    private final int eosId;
    private final int contextLength;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    private ClipTokenizer(Map<String, Integer> vocab, Map<String, Integer> mergeRanks, int contextLength,
                          String source) {
        this.vocab = vocab;
        this.mergeRanks = mergeRanks;
        this.contextLength = contextLength;
        Integer bos = vocab.get(BOS);
        Integer eos = vocab.get(EOS);
        if (bos == null || eos == null) {
            throw new IllegalArgumentException(source + ": vocab.json lacks " + (bos == null ? BOS : EOS)
                    + "; is this a CLIP tokenizer?");
        }
        this.bosId = bos;
        this.eosId = eos;
        int max = vocab.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        this.idToToken = new String[max + 1];
        vocab.forEach((t, id) -> idToToken[id] = t);
        for (char c : BYTE_TO_UNICODE) {
            if (!vocab.containsKey(String.valueOf(c))) {
                throw new IllegalArgumentException(source + ": vocab.json lacks the byte symbol '" + c
                        + "'; every byte-level symbol must be in a CLIP vocabulary");
            }
        }
    }

    /** Loads {@code vocab.json} and {@code merges.txt} from a folder (see {@link ClipTokenizerLocator}). */
    public static ClipTokenizer load(Path folder) throws IOException {
        return load(folder.resolve("vocab.json"), folder.resolve("merges.txt"));
    }

    public static ClipTokenizer load(Path vocabJson, Path mergesTxt) throws IOException {
        Map<String, Integer> vocab = readVocab(vocabJson);
        Map<String, Integer> ranks = readMerges(mergesTxt, vocab);
        return new ClipTokenizer(vocab, ranks, CONTEXT_LENGTH, vocabJson.toString());
    }

    /** Builds a tokenizer from in-memory tables (merges as "a b" lines, in rank order, no version header). */
    public static ClipTokenizer of(Map<String, Integer> vocab, List<String> merges) {
        Map<String, Integer> ranks = new HashMap<>();
        for (int i = 0; i < merges.size(); i++) {
            ranks.putIfAbsent(checkMerge(merges.get(i), "merges", i + 1), i);
        }
        return new ClipTokenizer(Map.copyOf(vocab), ranks, CONTEXT_LENGTH, "vocab");
    }

    private static Map<String, Integer> readVocab(Path vocabJson) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(vocabJson, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IOException(vocabJson + ": not valid JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException(vocabJson + ": expected a JSON object mapping token to id");
        }
        Map<String, Integer> vocab = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().canConvertToInt() || e.getValue().asInt() < 0) {
                throw new IOException(vocabJson + ": token '" + e.getKey() + "' has id " + e.getValue()
                        + ", expected a non-negative integer");
            }
            vocab.put(e.getKey(), e.getValue().asInt());
        }
        return vocab;
    }

    private static Map<String, Integer> readMerges(Path mergesTxt, Map<String, Integer> vocab) throws IOException {
        List<String> lines = Files.readAllLines(mergesTxt, StandardCharsets.UTF_8);
        Map<String, Integer> ranks = new HashMap<>();
        int rank = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (i == 0 && line.startsWith("#version")) {
                continue;
            }
            if (line.isEmpty()) {
                continue;
            }
            String key = checkMerge(line, mergesTxt.toString(), i + 1);
            ranks.putIfAbsent(key, rank++);
        }
        return ranks;
    }

    private static String checkMerge(String line, String source, int lineNo) {
        String[] parts = line.split(" ");
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new IllegalArgumentException(source + " line " + lineNo + ": expected two symbols separated by one"
                    + " space, got '" + line + "'");
        }
        return line;
    }

    public int bosId() {
        return bosId;
    }

    public int eosId() {
        return eosId;
    }

    public int contextLength() {
        return contextLength;
    }

    public int vocabSize() {
        return idToToken.length;
    }

    /** The ids the text encoder sees: BOS, content truncated to {@code contextLength - 2}, EOS, EOS padding. */
    public int[] encode(String text) {
        int[] content = tokenize(text);
        int[] out = new int[contextLength];
        Arrays.fill(out, eosId);
        out[0] = bosId;
        int n = Math.min(content.length, contextLength - 2);
        System.arraycopy(content, 0, out, 1, n);
        return out;
    }

    /** {@link #encode} of each text, as the (B, 77) int64 rows a text tower takes. */
    public long[][] encodeBatch(List<String> texts) {
        long[][] out = new long[texts.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = Arrays.stream(encode(texts.get(i))).asLongStream().toArray();
        }
        return out;
    }

    /**
     * Content tokens of a text, without BOS/EOS. A caption fits CLIP's context when this is at most
     * {@code contextLength() - 2} (75); anything after that is cut off by {@link #encode}.
     */
    public int countTokens(String text) {
        return tokenize(text).length;
    }

    /** True when {@link #encode} drops tokens of this text. */
    public boolean exceedsContext(String text) {
        return countTokens(text) > contextLength - 2;
    }

    /** The pre-tokenizer's pieces of a text after {@link #clean} (what BPE runs on, one word at a time). */
    static List<String> pieces(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = WORDS.matcher(clean(text));
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /** A word's initial BPE symbols: its UTF-8 bytes as byte symbols, the last one marked {@code </w>}. */
    static List<String> byteSymbols(String piece) {
        byte[] utf8 = piece.getBytes(StandardCharsets.UTF_8);
        List<String> symbols = new ArrayList<>(utf8.length);
        for (int i = 0; i < utf8.length; i++) {
            String s = String.valueOf(BYTE_TO_UNICODE[utf8[i] & 0xff]);
            symbols.add(i == utf8.length - 1 ? s + END_OF_WORD : s);
        }
        return symbols;
    }

    /** Content token ids, no BOS/EOS, no truncation. */
    public int[] tokenize(String text) {
        List<int[]> pieces = new ArrayList<>();
        int total = 0;
        Matcher m = WORDS.matcher(clean(text));
        while (m.find()) {
            int[] ids = word(m.group());
            pieces.add(ids);
            total += ids.length;
        }
        int[] out = new int[total];
        int at = 0;
        for (int[] p : pieces) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** The BPE symbols of a text (for diagnostics: which words break into many tokens). */
    public List<String> tokenStrings(String text) {
        List<String> out = new ArrayList<>();
        for (int id : tokenize(text)) {
            out.add(idToToken[id]);
        }
        return out;
    }

    /** Text from ids: specials dropped, {@code </w>} back to spaces, byte symbols back to UTF-8. */
    public String decode(int[] ids) {
        StringBuilder symbols = new StringBuilder();
        for (int id : ids) {
            if (id == bosId || id == eosId || id < 0 || id >= idToToken.length || idToToken[id] == null) {
                continue;
            }
            symbols.append(idToToken[id]);
        }
        String s = symbols.toString().replace(END_OF_WORD, " ");
        byte[] bytes = new byte[s.length()];
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int b = c == ' ' ? ' ' : unicodeToByte(c); // a literal space can only come from </w>
            if (b >= 0) {
                bytes[n++] = (byte) b;
            }
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8).strip();
    }

    /**
     * Text clean-up as transformers' {@code CLIPTokenizer} does it (its BasicTokenizer path, which the reference
     * ids were made with): control characters dropped, every whitespace run to one space, a space around each CJK
     * ideograph (so each becomes its own word), NFC, trimmed, lower-cased.
     */
    static String clean(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 8);
        text.codePoints().forEach(cp -> {
            if (cp == 0 || cp == 0xFFFD) {
                return;
            }
            if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || Character.getType(cp) == Character.SPACE_SEPARATOR) {
                sb.append(' ');
            } else if (isControl(cp)) {
                return;
            } else if (isCjk(cp)) {
                sb.append(' ').appendCodePoint(cp).append(' ');
            } else {
                sb.appendCodePoint(cp);
            }
        });
        String nfc = Normalizer.normalize(sb, Normalizer.Form.NFC);
        return WHITESPACE.matcher(nfc).replaceAll(" ").strip().toLowerCase(Locale.ROOT);
    }

    /** Unicode category C* (control, format, surrogate, private use, unassigned), as BERT's _is_control. */
    private static boolean isControl(int cp) {
        int t = Character.getType(cp);
        return t == Character.CONTROL || t == Character.FORMAT || t == Character.SURROGATE
                || t == Character.PRIVATE_USE || t == Character.UNASSIGNED;
    }

    /** The CJK Unified Ideograph blocks BERT's basic tokenizer splits on (not Hangul, kana or punctuation). */
    private static boolean isCjk(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F)
                || (cp >= 0x2B820 && cp <= 0x2CEAF) || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }

    private int[] word(String piece) {
        if (piece.equals(BOS)) {
            return new int[] {bosId};
        }
        if (piece.equals(EOS)) {
            return new int[] {eosId};
        }
        int[] hit = cache.get(piece);
        if (hit != null) {
            return hit;
        }
        int[] ids = bpe(piece);
        if (cache.size() < CACHE_LIMIT) {
            cache.put(piece, ids);
        }
        return ids;
    }

    private int[] bpe(String piece) {
        List<String> symbols = byteSymbols(piece);
        while (symbols.size() > 1) {
            int best = -1;
            int bestRank = Integer.MAX_VALUE;
            for (int i = 0; i < symbols.size() - 1; i++) {
                Integer r = mergeRanks.get(symbols.get(i) + " " + symbols.get(i + 1));
                if (r != null && r < bestRank) {
                    bestRank = r;
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            // merge every occurrence of the best pair, left to right, as the reference implementation does
            String first = symbols.get(best);
            String second = symbols.get(best + 1);
            List<String> merged = new ArrayList<>(symbols.size());
            for (int i = 0; i < symbols.size(); i++) {
                if (i < symbols.size() - 1 && symbols.get(i).equals(first) && symbols.get(i + 1).equals(second)) {
                    merged.add(first + second);
                    i++;
                } else {
                    merged.add(symbols.get(i));
                }
            }
            symbols = merged;
        }
        int[] ids = new int[symbols.size()];
        for (int i = 0; i < ids.length; i++) {
            Integer id = vocab.get(symbols.get(i));
            if (id == null) {
                throw new IllegalStateException("BPE symbol '" + symbols.get(i) + "' of '" + piece + "' is not in"
                        + " vocab.json; merges.txt and vocab.json do not belong together");
            }
            ids[i] = id;
        }
        return ids;
    }

    /** GPT-2's table: printable Latin-1 bytes map to themselves, the rest to U+0100 onwards. */
    static char[] byteToUnicode() {
        char[] table = new char[256];
        boolean[] direct = new boolean[256];
        for (int b = '!'; b <= '~'; b++) {
            direct[b] = true;
        }
        for (int b = 0xA1; b <= 0xAC; b++) {
            direct[b] = true;
        }
        for (int b = 0xAE; b <= 0xFF; b++) {
            direct[b] = true;
        }
        int next = 0;
        for (int b = 0; b < 256; b++) {
            table[b] = direct[b] ? (char) b : (char) (256 + next++);
        }
        return table;
    }

    /** The byte symbols in the order CLIP's vocabulary lists them (printable ranges first, then the rest). */
    static List<String> byteSymbolsInVocabOrder() {
        List<String> out = new ArrayList<>(256);
        char[] t = BYTE_TO_UNICODE;
        int[][] ranges = {{'!', '~'}, {0xA1, 0xAC}, {0xAE, 0xFF}};
        boolean[] seen = new boolean[256];
        for (int[] r : ranges) {
            for (int b = r[0]; b <= r[1]; b++) {
                out.add(String.valueOf(t[b]));
                seen[b] = true;
            }
        }
        for (int b = 0; b < 256; b++) {
            if (!seen[b]) {
                out.add(String.valueOf(t[b]));
            }
        }
        return out;
    }

    private static int unicodeToByte(char c) {
        for (int b = 0; b < 256; b++) {
            if (BYTE_TO_UNICODE[b] == c) {
                return b;
            }
        }
        return -1;
    }
}
