package org.lorapipeline.core.sd.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.lorapipeline.core.config.ImageSection;
import org.lorapipeline.core.image.Sha256;
import org.lorapipeline.core.safetensors.DType;
import org.lorapipeline.core.safetensors.SafetensorsFile;
import org.lorapipeline.core.safetensors.SafetensorsWriter;
import org.lorapipeline.core.safetensors.TensorInfo;
import org.lorapipeline.core.safetensors.TensorSource;
import org.lorapipeline.core.tensor.FloatTensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * VAE latents on disk, one safetensors file per (image content, bucket, centre crop, flip) under
 * {@code <dir>/<vaeIdentity>/<sha[0..2]>/<sha256>_<W>x<H>_<cropLeft>-<cropTop>[_flip].safetensors}, tensor
 * {@code latents} (F32) plus metadata repeating the key. Names are lower-case ASCII, digits, {@code _ - .} only, so
 * the folder syncs to object storage as {@code latents/<vaeIdentity>/...} unchanged.
 *
 * <p>Like kohya's {@code cache_latents} it holds the centre crop only (hence {@link #checkCompatible}); with
 * {@code flip_aug} the mirrored image is a second entry. The cache stores what {@link #put} is given; what that
 * is (unscaled {@code latent_dist} sample or mean) is the trainer's choice and belongs in the identity if it changes.
 * A file that cannot be read, or whose metadata does not match its name, is a miss: it is deleted with a warning
 * and the next {@link #put} rewrites it. Writes are atomic (temporary file + rename), so concurrent writers of the
 * same entry leave one whole file.
 */
public final class LatentCache {
    private static final Logger LOG = LoggerFactory.getLogger(LatentCache.class);
    private static final String TENSOR = "latents";
    private static final String FORMAT = "lora-pipeline.latents.v1";
    private final Path root;
    private final String vaeIdentity;
    private final AtomicInteger hits = new AtomicInteger();
    private final AtomicInteger misses = new AtomicInteger();

    private LatentCache(Path root, String vaeIdentity) {
        this.root = root;
        this.vaeIdentity = vaeIdentity;
    }

    /** The cache for one VAE under {@code dir/<vaeIdentity>/}; the folder is created on the first put. */
    public static LatentCache open(Path dir, String vaeIdentity) {
        if (dir == null) {
            throw new IllegalArgumentException("cache dir must not be null");
        }
        if (vaeIdentity == null || !vaeIdentity.matches("[a-z0-9][a-z0-9._-]{0,99}")) {
            throw new IllegalArgumentException("vaeIdentity must be 1-100 of [a-z0-9._-] (it names a folder), got '"
                    + vaeIdentity + "'");
        }
        return new LatentCache(dir.resolve(vaeIdentity), vaeIdentity);
    }

    /**
     * kohya refuses {@code cache_latents} with {@code random_crop}: a cached latent is one fixed crop. Call before
     * training; throws naming both keys.
     */
    public static void checkCompatible(ImageSection s) {
        if (s.cacheLatents() && s.randomCrop()) {
            throw new IllegalArgumentException("image.cache_latents and image.random_crop cannot both be true: a "
                    + "cached latent holds one fixed (centre) crop; set cache_latents: false or random_crop: false");
        }
    }

    /**
     * A stable name for what the VAE encoder computes: SHA-256 over every tensor's name, dtype and shape (sorted by
     * name) and over the full data of the encoder-side tensors ({@code encoder.*}, {@code quant_conv.*}, in any
     * prefix such as {@code first_stage_model.}); the decoder's data is left out because latents do not depend on
     * it (a decoder-only fine-tune such as sd-vae-ft-mse shares the cache). When no tensor is recognisably
     * encoder-side, all data is hashed. Costs one read of the encoder weights (about 130 MB for SD 1.5).
     *
     * @return {@code vae-} and 16 hex digits
     */
    public static String vaeIdentity(TensorSource vaeWeights) {
        List<String> names = new ArrayList<>(vaeWeights.names());
        names.sort(null);
        boolean anyEncoder = names.stream().anyMatch(LatentCache::encoderSide);
        MessageDigest digest = Sha256.digest();
        byte[] chunk = new byte[1 << 16];
        for (String name : names) {
            TensorInfo info = vaeWeights.info(name);
            digest.update((name + "|" + info.dtype() + "|" + Arrays.toString(info.shape()) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            if (!anyEncoder || encoderSide(name)) {
                ByteBuffer data = vaeWeights.bytes(name).duplicate();
                while (data.hasRemaining()) {
                    int n = Math.min(chunk.length, data.remaining());
                    data.get(chunk, 0, n);
                    digest.update(chunk, 0, n);
                }
            }
        }
        return "vae-" + Sha256.hex(digest).substring(0, 16);
    }

    private static boolean encoderSide(String name) {
        return name.startsWith("encoder.") || name.contains(".encoder.") || name.startsWith("quant_conv.")
                || name.contains(".quant_conv.");
    }

    public String vaeIdentity() {
        return vaeIdentity;
    }

    /** The cached latents of {@code img} at bucket {@code b}, centre crop, mirrored or not. */
    public Optional<float[]> get(SdImage img, Bucket b, boolean flipped) {
        return entry(img, b, flipped).map(FloatTensor::data);
    }

    /** As {@link #get} with the stored shape (e.g. {@code (4, H/8, W/8)}). */
    public Optional<FloatTensor> entry(SdImage img, Bucket b, boolean flipped) {
        Path file = file(img, b, flipped);
        if (!Files.isRegularFile(file)) {
            misses.incrementAndGet();
            return Optional.empty();
        }
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            Map<String, String> expected = metadata(img, b, flipped);
            Map<String, String> found = f.metadata();
            for (Map.Entry<String, String> e : expected.entrySet()) {
                if (!e.getKey().equals("image") && !e.getValue().equals(found.get(e.getKey()))) {
                    throw new IllegalStateException("metadata " + e.getKey() + " is '" + found.get(e.getKey())
                            + "', expected '" + e.getValue() + "'");
                }
            }
            FloatTensor t = new FloatTensor(f.info(TENSOR).shape(), f.floats(TENSOR));
            hits.incrementAndGet();
            return Optional.of(t);
        } catch (RuntimeException e) {
            LOG.warn("latent cache entry {} for {} is unusable ({}); deleting it, it will be encoded again",
                    root.relativize(file), img.key(), e.getMessage());
            deleteQuietly(file);
            misses.incrementAndGet();
            return Optional.empty();
        }
    }

    /** Stores latents of {@code img} at bucket {@code b} (centre crop), atomically replacing any old entry. */
    public void put(SdImage img, Bucket b, boolean flipped, float[] latents, long[] shape) {
        if (latents == null || shape == null || FloatTensor.numel(shape) != latents.length) {
            throw new IllegalArgumentException("latents of " + img.key() + ": shape "
                    + Arrays.toString(shape) + " does not match " + (latents == null ? 0 : latents.length)
                    + " values");
        }
        new SafetensorsWriter().metadata(metadata(img, b, flipped)).add(TENSOR, shape, latents, DType.F32)
                .write(file(img, b, flipped));
    }

    public int hits() {
        return hits.get();
    }

    public int misses() {
        return misses.get();
    }

    /** The entry's path (whether or not it exists). */
    public Path file(SdImage img, Bucket b, boolean flipped) {
        CropPlan crop = CropPlan.center(img.width(), img.height(), b);
        String name = img.sha256() + "_" + b + "_" + crop.cropLeft() + "-" + crop.cropTop()
                + (flipped ? "_flip" : "") + ".safetensors";
        return root.resolve(img.sha256().substring(0, 2)).resolve(name);
    }

    private Map<String, String> metadata(SdImage img, Bucket b, boolean flipped) {
        CropPlan crop = CropPlan.center(img.width(), img.height(), b);
        Map<String, String> m = new LinkedHashMap<>(); // insertion order keeps the files byte-identical
        m.put("lora_pipeline.format", FORMAT);
        m.put("sha256", img.sha256());
        m.put("bucket", b.toString());
        m.put("crop_left_top", crop.cropLeft() + "," + crop.cropTop());
        m.put("resized", crop.resizedWidth() + "x" + crop.resizedHeight());
        m.put("flipped", Boolean.toString(flipped));
        m.put("vae", vaeIdentity);
        m.put("image", img.key());
        return m;
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot delete unusable latent cache entry {}: {}", file.getFileName(), e.getMessage());
        }
    }
}
