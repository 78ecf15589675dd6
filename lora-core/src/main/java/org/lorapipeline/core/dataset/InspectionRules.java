package org.lorapipeline.core.dataset;

import java.util.EnumMap;
import java.util.Map;
import org.lorapipeline.core.image.ImageRules;

/**
 * What an inspection enforces.
 *
 * @param image                 min short side and pixel limit for every image
 * @param nearDuplicateDistance pHash Hamming distance at or below which two different files count as near duplicates
 * @param maxProblemsPerCode    findings of one code listed individually before the rest are summarised, so a
 *                              million-line JSONL with one systematic fault yields a readable report
 * @param severityOverrides     per-code severities replacing {@link ProblemCode#defaultSeverity()}
 */
public record InspectionRules(ImageRules image, int nearDuplicateDistance, int maxProblemsPerCode,
                              Map<ProblemCode, Severity> severityOverrides) {
    public static final int DEFAULT_NEAR_DUPLICATE_DISTANCE = 6;
    public static final int DEFAULT_MAX_PROBLEMS_PER_CODE = 200;

    public InspectionRules {
        if (image == null) {
            throw new IllegalArgumentException("image rules must not be null");
        }
        if (nearDuplicateDistance < 0 || nearDuplicateDistance > 64) {
            throw new IllegalArgumentException("nearDuplicateDistance must be in 0..64, got " + nearDuplicateDistance);
        }
        if (maxProblemsPerCode < 1) {
            throw new IllegalArgumentException("maxProblemsPerCode must be >= 1, got " + maxProblemsPerCode);
        }
        severityOverrides = severityOverrides == null ? Map.of() : Map.copyOf(severityOverrides);
    }

    public static InspectionRules defaults() {
        return new InspectionRules(ImageRules.defaults(), DEFAULT_NEAR_DUPLICATE_DISTANCE,
                DEFAULT_MAX_PROBLEMS_PER_CODE, Map.of());
    }

    /**
     * The rules a training run applies. Two warnings of a plain inspection become errors, because the run would
     * otherwise waste hours on them: an image whose short side is under {@code min_resolution} (the seed's advice;
     * it would be upscaled), and broken {@code **core**} / {@code *mood*} markup (the tags would lose their role).
     * Ingest and local runs share it.
     */
    public static InspectionRules forTraining(int minResolution) {
        return defaults().withSeverity(ProblemCode.IMAGE_TOO_SMALL, Severity.ERROR)
                .withSeverity(ProblemCode.CAPTION_MARKUP, Severity.ERROR).withMinShortSide(minResolution);
    }

    public InspectionRules withMinShortSide(int minShortSide) {
        return new InspectionRules(new ImageRules(minShortSide, image.maxPixels()), nearDuplicateDistance,
                maxProblemsPerCode, severityOverrides);
    }

    public InspectionRules withMaxPixels(long maxPixels) {
        return new InspectionRules(new ImageRules(image.minShortSide(), maxPixels), nearDuplicateDistance,
                maxProblemsPerCode, severityOverrides);
    }

    public InspectionRules withNearDuplicateDistance(int distance) {
        return new InspectionRules(image, distance, maxProblemsPerCode, severityOverrides);
    }

    public InspectionRules withSeverity(ProblemCode code, Severity severity) {
        var overrides = new EnumMap<ProblemCode, Severity>(ProblemCode.class);
        overrides.putAll(severityOverrides);
        overrides.put(code, severity);
        return new InspectionRules(image, nearDuplicateDistance, maxProblemsPerCode, overrides);
    }

    public Severity severityOf(ProblemCode code) {
        return severityOverrides.getOrDefault(code, code.defaultSeverity());
    }
}
