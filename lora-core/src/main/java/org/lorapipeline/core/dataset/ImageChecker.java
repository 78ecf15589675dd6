package org.lorapipeline.core.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.lorapipeline.core.caption.CaptionSyntaxException;
import org.lorapipeline.core.caption.StructuredCaption;
import org.lorapipeline.core.image.ImageDecodeException;
import org.lorapipeline.core.image.ImageFacts;
import org.lorapipeline.core.image.PerceptualHash;

/** Decodes and hashes every image a layout found, parses its caption, and finds exact and near duplicates. */
final class ImageChecker {
    private ImageChecker() {
    }

    static List<ImageItem> check(Path root, List<CaptionEntry> entries, InspectionRules rules, ProblemLog log) {
        List<ImageItem> items = new ArrayList<>();
        for (CaptionEntry entry : entries) {
            ImageFacts facts = facts(root, entry.image(), rules, log);
            if (facts == null) {
                continue;
            }
            for (String warning : facts.warnings()) {
                log.add(ProblemCode.IMAGE_WARNING, entry.image(), warning);
            }
            if (rules.image().isTooSmall(facts.width(), facts.height())) {
                log.add(ProblemCode.IMAGE_TOO_SMALL, entry.image(), facts.width() + "x" + facts.height()
                        + ": short side " + facts.shortSide() + " is below " + rules.image().minShortSide()
                        + "; it will be upscaled and look soft, use a larger original or lower the minimum");
            }
            items.add(new ImageItem(entry.image(), facts.format(), facts.width(), facts.height(), facts.sha256(),
                    facts.phash(), entry.caption(), structured(entry, log), entry.source(), entry.repeats()));
        }
        reportDuplicates(items, rules.nearDuplicateDistance(), log);
        return items;
    }

    private static ImageFacts facts(Path root, String image, InspectionRules rules, ProblemLog log) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(root.resolve(image));
        } catch (IOException e) {
            log.add(ProblemCode.UNREADABLE_FILE, image, "cannot read: " + e.getMessage());
            return null;
        }
        try {
            return ImageFacts.of(bytes, rules.image());
        } catch (ImageDecodeException e) {
            ProblemCode code = switch (e.reason()) {
                case UNSUPPORTED_FORMAT -> ProblemCode.IMAGE_UNSUPPORTED;
                case TOO_MANY_PIXELS -> ProblemCode.IMAGE_TOO_LARGE;
                case TRUNCATED -> ProblemCode.IMAGE_TRUNCATED;
                case CORRUPT -> ProblemCode.IMAGE_CORRUPT;
            };
            log.add(code, image, e.getMessage());
            return null;
        }
    }

    private static StructuredCaption structured(CaptionEntry entry, ProblemLog log) {
        String caption = entry.caption();
        if (caption == null) {
            return StructuredCaption.empty();
        }
        if (caption.isBlank()) {
            log.add(ProblemCode.CAPTION_EMPTY, entry.captionFile(), entry.line(), entry.column(),
                    "the caption of " + entry.image() + " is empty; write one or let label-service caption it");
            return StructuredCaption.empty();
        }
        try {
            return StructuredCaption.parse(caption);
        } catch (CaptionSyntaxException e) {
            int index = e.column() - 1;
            int line = entry.line();
            int column = entry.column() == 0 ? 0 : entry.column() + index;
            int lastBreak = caption.lastIndexOf('\n', index);
            if (lastBreak >= 0 && entry.column() > 0) { // caption continues over lines inside CSV quotes
                line += (int) caption.substring(0, index).chars().filter(c -> c == '\n').count();
                column = index - lastBreak;
            }
            log.add(ProblemCode.CAPTION_MARKUP, entry.captionFile(), line, column, "caption of " + entry.image()
                    + ", " + e.getMessage() + "; until fixed it is used without its markers");
            return StructuredCaption.lenient(caption);
        }
    }

    /** Byte-identical files first; near duplicates are looked for among distinct files only. */
    private static void reportDuplicates(List<ImageItem> items, int threshold, ProblemLog log) {
        Map<String, ImageItem> bySha = new HashMap<>();
        List<ImageItem> distinct = new ArrayList<>();
        for (ImageItem item : items) {
            ImageItem first = bySha.putIfAbsent(item.sha256(), item);
            if (first != null) {
                log.add(ProblemCode.DUPLICATE_IMAGE, item.path(), "byte-identical to " + first.path()
                        + "; it is trained on twice as often, delete one copy");
            } else {
                distinct.add(item);
            }
        }
        for (int j = 1; j < distinct.size(); j++) {
            ImageItem b = distinct.get(j);
            for (int i = 0; i < j; i++) {
                ImageItem a = distinct.get(i);
                int distance = PerceptualHash.distance(a.phash(), b.phash());
                if (distance <= threshold) {
                    log.add(ProblemCode.NEAR_DUPLICATE, b.path(), "looks like " + a.path() + " (pHash distance "
                            + distance + " <= " + threshold + "); near copies over-weight one picture, keep one");
                }
            }
        }
    }
}
