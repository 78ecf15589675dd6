package org.lorapipeline.core.sd.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.lorapipeline.core.caption.StructuredCaption;
import org.lorapipeline.core.config.ImageSection;

/**
 * Builds the prompt a training step tokenizes from a structured caption, with kohya's {@code shuffle_caption},
 * {@code keep_tokens} and {@code caption_dropout_rate} applied on top of the {@code **core**}/{@code *mood*}
 * markup.
 *
 * <p>Order: the core tags first, in caption order; then the mood tags as one block, in caption order; then the
 * plain tags. Markers are dropped and tags are joined with {@code ", "}. Core and mood tags are never shuffled or
 * moved; only plain tags are shuffled, and only when {@code shuffle_caption} is on.
 *
 * <p>{@code keep_tokens} keeps kohya's meaning, counted over this order: the first {@code keep_tokens}
 * comma-separated tags of the rendered caption stay in place. Core and mood tags are always in place, so they
 * count first; a {@code keep_tokens} larger than the number of core + mood tags also fixes the leading
 * {@code keep_tokens - core - mood} plain tags. For a caption without markup this is exactly kohya.
 *
 * <p>{@code caption_dropout_rate}: with that probability the whole caption becomes {@code ""} (the
 * unconditional prompt); decided before shuffling, as kohya does, and only drawn when the rate is above 0, so
 * turning dropout off does not change which shuffles a seed gives.
 */
public final class CaptionProcessor {
    private final boolean shuffle;
    private final int keepTokens;
    private final double dropoutRate;

    public CaptionProcessor(ImageSection s) {
        this(s.shuffleCaption(), s.keepTokens(), s.captionDropoutRate());
    }

    public CaptionProcessor(boolean shuffle, int keepTokens, double dropoutRate) {
        if (keepTokens < 0) {
            throw new IllegalArgumentException("keep_tokens must be >= 0, got " + keepTokens);
        }
        if (!(dropoutRate >= 0 && dropoutRate <= 1)) {
            throw new IllegalArgumentException("caption_dropout_rate must be in [0, 1], got " + dropoutRate);
        }
        this.shuffle = shuffle;
        this.keepTokens = keepTokens;
        this.dropoutRate = dropoutRate;
    }

    /** The prompt for one training step; draws from {@code rng} (dropout, then the shuffle). */
    public String render(StructuredCaption c, SplittableRandom rng) {
        if (dropoutRate > 0 && rng.nextDouble() < dropoutRate) {
            return "";
        }
        List<String> fixed = new ArrayList<>(c.core());
        fixed.addAll(c.mood());
        List<String> plain = new ArrayList<>(c.plain());
        int keepPlain = Math.min(plain.size(), Math.max(0, keepTokens - fixed.size()));
        fixed.addAll(plain.subList(0, keepPlain));
        List<String> flex = new ArrayList<>(plain.subList(keepPlain, plain.size()));
        if (shuffle) {
            Shuffle.inPlace(flex, rng);
        }
        fixed.addAll(flex);
        return String.join(", ", fixed);
    }

    /** The prompt without shuffle or dropout: core, mood, plain in caption order (sample prompts, reports). */
    public static String plain(StructuredCaption c) {
        List<String> all = new ArrayList<>(c.core());
        all.addAll(c.mood());
        all.addAll(c.plain());
        return String.join(", ", all);
    }
}
