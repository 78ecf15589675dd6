package org.lorapipeline.core.sd.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.lorapipeline.core.clip.ClipTokenizer;
import org.lorapipeline.core.config.ImageSection;
import org.lorapipeline.core.engine.Tensors;
import org.lorapipeline.core.sd.data.Bucket;
import org.lorapipeline.core.sd.data.BucketPlanner;
import org.lorapipeline.core.sd.data.CaptionProcessor;
import org.lorapipeline.core.sd.data.ImageTransforms;
import org.lorapipeline.core.sd.data.LatentCache;
import org.lorapipeline.core.sd.data.SdBatch;
import org.lorapipeline.core.sd.data.SdImage;
import org.lorapipeline.core.sd.data.SdPixels;
import org.lorapipeline.core.sd.vae.AutoencoderKL;

/**
 * Turns a planned batch of images into what the denoiser step eats: VAE latents (from the latent cache, or encoded
 * now without gradients) times {@code scaling_factor}, and the CLIP ids of each caption rendered for this step
 * (shuffle, dropout, markers stripped). Latents are a sample of the VAE's distribution, as kohya trains on, with the
 * sample's noise seeded by the image content and crop, so a cached and a freshly encoded centre crop are equal.
 */
public final class SdLatents {
    private final AutoencoderKL vae;
    private final LatentCache cache;
    private final ClipTokenizer tokenizer;
    private final CaptionProcessor captions;
    private final ImageSection image;
    private int encodes;

    /** @param cache nullable: encode every step (random_crop, or cache_latents off) */
    public SdLatents(AutoencoderKL vae, LatentCache cache, ClipTokenizer tokenizer, CaptionProcessor captions,
                     ImageSection image) {
        this.vae = vae;
        this.cache = cache;
        this.tokenizer = tokenizer;
        this.captions = captions;
        this.image = image;
    }

    /** VAE encodes done so far (a warm cache does none). */
    public int encodes() {
        return encodes;
    }

    /** Progress of {@link #precache}: entries checked so far, of how many, and how many had to be encoded. */
    public interface CacheProgress {
        void update(int done, int total, int encoded);
    }

    /**
     * Fills the cache for every image at its bucket (and mirrored, with flip_aug) before training, as kohya's
     * {@code cache_latents} does, so the step loop never waits for the VAE.
     *
     * @return the number of entries encoded now (0 when a previous run left them)
     */
    public int precache(List<SdImage> images, BucketPlanner planner, CacheProgress progress) {
        if (cache == null) {
            return 0;
        }
        List<Boolean> variants = image.flipAug() ? List.of(false, true) : List.of(false);
        Set<String> seen = new LinkedHashSet<>();
        List<SdImage> unique = new ArrayList<>();
        for (SdImage img : images) {
            if (seen.add(img.sha256())) {
                unique.add(img);
            }
        }
        int total = unique.size() * variants.size();
        int done = 0;
        int before = encodes;
        for (SdImage img : unique) {
            Bucket b = planner.bucketFor(img.width(), img.height());
            for (boolean flipped : variants) {
                cachedLatents(img, b, flipped);
                progress.update(++done, total, encodes - before);
            }
        }
        return encodes - before;
    }

    /**
     * The step's inputs for {@code batch}; random choices (crop, flip, caption shuffle and dropout) come from
     * {@code seed}, so the same (seed, batch) gives the same inputs after a resume.
     */
    public LatentBatch batch(SdBatch batch, long seed) {
        Bucket b = batch.bucket();
        int n = batch.images().size();
        long latentH = b.height() / vae.config().downscale();
        long latentW = b.width() / vae.config().downscale();
        int c = vae.config().latentChannels();
        int per = (int) (c * latentH * latentW);
        float[] latents = new float[n * per];
        long[][] ids = new long[n][];
        float scale = (float) vae.config().scalingFactor();
        for (int i = 0; i < n; i++) {
            SdImage img = batch.images().get(i);
            SplittableRandom rng = new SplittableRandom(seed * 1_000_003L + i);
            float[] z;
            if (cache != null) {
                z = cachedLatents(img, b, image.flipAug() && rng.nextBoolean());
            } else {
                z = encode(img, b, rng);
            }
            for (int j = 0; j < per; j++) {
                latents[i * per + j] = z[j] * scale;
            }
            String caption = captions.render(img.caption(), rng);
            ids[i] = java.util.Arrays.stream(tokenizer.encode(caption)).asLongStream().toArray();
        }
        return new LatentBatch(latents, new long[] {n, c, latentH, latentW}, ids);
    }

    private float[] cachedLatents(SdImage img, Bucket b, boolean flipped) {
        Optional<float[]> hit = cache.get(img, b, flipped);
        if (hit.isPresent()) {
            return hit.get();
        }
        try {
            SdPixels px = ImageTransforms.loadCentered(img, b, flipped);
            float[] z = encodePixels(px, contentSeed(img, px));
            int f = vae.config().downscale();
            cache.put(img, b, flipped, z, new long[] {vae.config().latentChannels(), b.height() / f, b.width() / f});
            return z;
        } catch (IOException e) {
            throw new UncheckedIOException(img.file() + ": cannot read the image: " + e.getMessage(), e);
        }
    }

    private float[] encode(SdImage img, Bucket b, SplittableRandom rng) {
        try {
            SdPixels px = ImageTransforms.load(img, b, image.randomCrop(), image.flipAug(), rng);
            return encodePixels(px, contentSeed(img, px));
        } catch (IOException e) {
            throw new UncheckedIOException(img.file() + ": cannot read the image: " + e.getMessage(), e);
        }
    }

    /** The sample's noise seed: the image bytes' hash and where it was cut, so a crop always gets the same sample. */
    static long contentSeed(SdImage img, SdPixels px) {
        long h = Long.parseUnsignedLong(img.sha256().substring(0, 15), 16);
        return h * 31 + ((long) px.cropLeft() << 32) + ((long) px.cropTop() << 1) + (px.flipped() ? 1 : 0);
    }

    /** Unscaled latents (C, h, w) of one image, computed outside any gradient tape. */
    private float[] encodePixels(SdPixels px, long seed) {
        encodes++;
        try (NDScope scope = new NDScope(); NDManager m = vae.manager().newSubManager()) {
            NDArray x = Tensors.create(m, px.chw(), 1, 3, px.height(), px.width()); // (1, 3, H, W)
            float[] z = Tensors.toFloats(vae.encode(x).sample(seed));
            scope.suppressNotUsedWarning();
            return z;
        }
    }
}
