package org.lorapipeline.core.dataset;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.lorapipeline.core.caption.StructuredCaption;
import org.lorapipeline.core.caption.TagGroup;
import org.lorapipeline.core.caption.TagKind;
import org.lorapipeline.core.image.PerceptualHash;

/**
 * Deterministic demo/benchmark/test datasets: the same arguments always give byte-identical files.
 * Images are drawn procedurally and redrawn until their pHash is far from every earlier one, so a generated
 * dataset never contains near duplicates under the default threshold.
 */
public final class SampleDatasets {
    /** Minimum pHash distance between any two generated images: twice the default near-duplicate threshold. */
    public static final int MIN_IMAGE_DISTANCE = 2 * InspectionRules.DEFAULT_NEAR_DUPLICATE_DISTANCE;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String[] SUBJECTS = {"cyberpunk cityscape", "robot monk", "mountain temple", "koi pond",
        "paper lanterns", "lighthouse", "bamboo forest", "night market", "crane in flight", "stone bridge"};
    private static final String[] STYLES = {"ink wash", "watercolor", "flat vector", "oil painting", "pixel art",
        "ukiyo-e", "charcoal sketch"};
    private static final String[] DETAILS = {"neon lights", "rain", "cherry blossoms", "fog", "reflections",
        "wet streets", "glowing signs", "falling leaves", "distant hills", "soft glow", "long shadows"};
    private static final String[] MOODS = {"moody", "serene", "high contrast", "dreamy", "melancholic", "vibrant",
        "cinematic lighting"};

    private SampleDatasets() {
    }

    /**
     * Writes {@code count} PNGs of {@code size}x{@code size} ({@code 0000.png}, ...) and a seed-style
     * {@code metadata.csv} with structured captions.
     *
     * @return caption per file name, in file order
     */
    public static Map<String, String> writeImageDataset(Path dir, int count, int size, long seed) throws IOException {
        if (count < 1 || size < 32) {
            throw new IllegalArgumentException("count must be >= 1 and size >= 32, got " + count + ", " + size);
        }
        Files.createDirectories(dir);
        Random random = new Random(seed);
        List<Long> hashes = new ArrayList<>();
        Map<String, String> captions = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            BufferedImage image = distinctImage(size, random, hashes);
            String name = String.format("%04d.png", i);
            if (!ImageIO.write(image, "png", dir.resolve(name).toFile())) {
                throw new IllegalStateException("no PNG writer available");
            }
            captions.put(name, caption(random).render());
        }
        CsvWriter.writeSeedMetadata(dir.resolve(MetadataCsvLayout.FILE), captions);
        return captions;
    }

    /**
     * Writes {@code count} customer-service records in the seed's form,
     * {@code {"text": "### Instruction:\n...\n\n### Response:\n1. ..."}}, one JSON object per line, UTF-8.
     */
    public static void writeTextDataset(Path file, int count, long seed) throws IOException {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, got " + count);
        }
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        Random random = new Random(seed);
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < count; i++) {
                SupportDialogue.Record record = SupportDialogue.next(random);
                String text = "### Instruction:\n" + record.question() + "\n\n### Response:\n"
                        + record.answer();
                out.write(JSON.writeValueAsString(Map.of("text", text)));
                out.write('\n');
            }
        }
    }

    private static BufferedImage distinctImage(int size, Random random, List<Long> hashes) {
        for (int attempt = 0; attempt < 1000; attempt++) {
            BufferedImage image = SampleImages.draw(size, random);
            long hash = PerceptualHash.of(image);
            if (hashes.stream().allMatch(h -> PerceptualHash.distance(h, hash) >= MIN_IMAGE_DISTANCE)) {
                hashes.add(hash);
                return image;
            }
        }
        throw new IllegalStateException("could not draw an image distinct from " + hashes.size() + " others");
    }

    private static StructuredCaption caption(Random random) {
        List<TagGroup> groups = new ArrayList<>();
        groups.add(new TagGroup(TagKind.CORE, List.of(pick(SUBJECTS, random), pick(STYLES, random))));
        List<String> details = new ArrayList<>();
        while (details.size() < 2 + random.nextInt(2)) {
            String detail = pick(DETAILS, random);
            if (!details.contains(detail)) {
                details.add(detail);
            }
        }
        groups.add(new TagGroup(TagKind.PLAIN, details));
        String mood = pick(MOODS, random);
        String mood2 = pick(MOODS, random);
        groups.add(new TagGroup(TagKind.MOOD, mood.equals(mood2) ? List.of(mood) : List.of(mood, mood2)));
        return new StructuredCaption(groups);
    }

    private static String pick(String[] words, Random random) {
        return words[random.nextInt(words.length)];
    }
}
