package org.lorapipeline.core.sd.sample;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One preview image request, as a line of kohya's prompt file: {@code a cat --n blurry --w 512 --h 768 --s 28
 * --l 7.5 --d 42}. Options are split on {@code " --"} (kohya's {@code line_to_prompt_dict}); {@code --n} negative
 * prompt, {@code --w}/{@code --h} size, {@code --s} steps (clamped to [1, 1000]), {@code --l} guidance scale,
 * {@code --d} seed. Unknown options are ignored with a warning, as kohya ignores them.
 *
 * @param negativePrompt "" for none (classifier-free guidance then uses the empty prompt)
 * @param guidanceScale  CFG scale; 1 or less turns guidance off
 */
public record SamplePrompt(String prompt, String negativePrompt, int width, int height, int steps,
                           double guidanceScale, long seed) {
    private static final Logger log = LoggerFactory.getLogger(SamplePrompt.class);
    private static final Pattern OPTION = Pattern.compile("(?s)(n|w|h|s|l|d) (.*)", Pattern.CASE_INSENSITIVE);

    public SamplePrompt {
        if (prompt == null) {
            throw new IllegalArgumentException("prompt must not be null");
        }
        negativePrompt = negativePrompt == null ? "" : negativePrompt;
        if (width < 8 || height < 8) {
            throw new IllegalArgumentException("sample size must be at least 8x8, got " + width + "x" + height);
        }
        if (steps < 1 || steps > 1000) {
            throw new IllegalArgumentException("sample steps must be in [1, 1000], got " + steps);
        }
        if (!(guidanceScale >= 0) || Double.isInfinite(guidanceScale)) {
            throw new IllegalArgumentException("guidance scale must be >= 0, got " + guidanceScale);
        }
    }

    /** kohya's defaults for options a line leaves out: 512x512, 30 steps, scale 7.5 (seed from the run). */
    public static SamplePrompt defaults(long seed) {
        return new SamplePrompt("", "", 512, 512, 30, 7.5, seed);
    }

    /**
     * Parses a prompt-file line; options missing from the line come from {@code defaults}.
     *
     * @throws IllegalArgumentException naming the option when a value is not a number
     */
    public static SamplePrompt parse(String line, SamplePrompt defaults) {
        String[] parts = line.strip().split(" --");
        String prompt = parts[0].strip();
        String negative = defaults.negativePrompt();
        int width = defaults.width();
        int height = defaults.height();
        int steps = defaults.steps();
        double scale = defaults.guidanceScale();
        long seed = defaults.seed();
        for (int i = 1; i < parts.length; i++) {
            String part = parts[i];
            if (part.isBlank()) {
                continue;
            }
            Matcher m = OPTION.matcher(part);
            if (!m.matches()) {
                log.warn("sample prompt '{}': option --{} is not supported (--n --w --h --s --l --d); ignored", prompt,
                        part.strip());
                continue;
            }
            String value = m.group(2).strip();
            try {
                switch (m.group(1).toLowerCase(Locale.ROOT)) {
                    case "n" -> negative = value;
                    case "w" -> width = Integer.parseInt(value);
                    case "h" -> height = Integer.parseInt(value);
                    case "s" -> steps = Math.max(1, Math.min(1000, Integer.parseInt(value)));
                    case "l" -> scale = Double.parseDouble(value);
                    default -> seed = Long.parseLong(value);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("sample prompt '" + prompt + "': --" + m.group(1) + " needs a"
                        + " number, got '" + value + "'");
            }
        }
        return new SamplePrompt(prompt, negative, width, height, steps, scale, seed);
    }
}
