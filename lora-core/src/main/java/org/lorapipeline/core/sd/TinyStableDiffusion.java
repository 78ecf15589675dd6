package org.lorapipeline.core.sd;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.lorapipeline.core.engine.TorchRuntime;
import org.lorapipeline.core.safetensors.DType;
import org.lorapipeline.core.safetensors.SafetensorsWriter;
import org.lorapipeline.core.sd.ldm.LdmCheckpoint;
import org.lorapipeline.core.sd.ldm.LdmKeyMap;
import org.lorapipeline.core.sd.unet.UNet2DConditionModel;
import org.lorapipeline.core.sd.unet.UNetConfig;
import org.lorapipeline.core.sd.vae.AutoencoderKL;
import org.lorapipeline.core.sd.vae.VaeConfig;
import org.lorapipeline.core.tensor.FloatTensor;

/**
 * Writes a tiny random Stable Diffusion 1.x model in the real formats, for tests and smoke runs: a diffusers folder
 * (model_index.json, unet/, vae/, scheduler/) or one LDM single-file checkpoint. The architecture is SD 1.5's in
 * miniature (three UNet blocks of two layers, cross-attention in the first two, different head counts per block,
 * a two-block VAE). Values depend only on the seed and the tensor name, so both layouts carry identical weights.
 *
 * <p>The text encoder and tokenizer are not written here: pass a {@link TextEncoderPart} (the CLIP module's tiny
 * writer) to include them; without one, model_index.json declares them as {@code [null, null]}, which diffusers
 * accepts when they are passed at load time.
 */
public final class TinyStableDiffusion {
    /** UNet: block_out_channels [32, 32, 64], layers_per_block 2, heads [1, 2, 4], 8 groups, context width 32. */
    public static final UNetConfig UNET = new UNetConfig(4, 4, List.of(32, 32, 64), 2,
            List.of(UNetConfig.CROSS_DOWN, UNetConfig.CROSS_DOWN, UNetConfig.DOWN),
            List.of(UNetConfig.UP, UNetConfig.CROSS_UP, UNetConfig.CROSS_UP), 32, List.of(1, 2, 4), 8, 1e-5, true, 0,
            8, false, 1);
    /** VAE: block_out_channels [32, 64] (latents at half the image size), one layer per block, 8 groups. */
    public static final VaeConfig VAE = new VaeConfig(3, 3, 4, List.of(32, 64), 1, 8, 0.18215, 16);
    public static final String SINGLE_FILE = "tiny-sd-v1.safetensors";

    /** The CLIP text encoder half of a tiny model, supplied by the CLIP package. */
    public interface TextEncoderPart {
        /** Writes {@code text_encoder/} (config.json + model.safetensors) and {@code tokenizer/} under {@code dir}. */
        void writeDiffusers(Path dir) throws IOException;

        /** Its tensors with transformers names ({@code text_model.*}), stored in a single file under
         * {@code cond_stage_model.transformer.}. */
        Map<String, FloatTensor> tensors();

        /** Its {@code CLIPTextModel} config.json, which a single file states in its metadata. */
        ObjectNode config();
    }

    private TinyStableDiffusion() {}

    /**
     * @param singleFile write {@code dir/tiny-sd-v1.safetensors} with LDM names instead of a diffusers folder
     * @return the folder or the single file
     */
    public static Path write(Path dir, long seed, boolean singleFile) throws IOException {
        return write(dir, seed, singleFile, DType.F32, null);
    }

    /**
     * @param dtype      F32, F16 or BF16 storage (half types exercise the widening on load)
     * @param textEncoder nullable; see {@link TextEncoderPart}
     */
    public static Path write(Path dir, long seed, boolean singleFile, DType dtype, TextEncoderPart textEncoder)
            throws IOException {
        Files.createDirectories(dir);
        Map<String, FloatTensor> unet = randomWeights(unetShapes(), seed, "unet");
        Map<String, FloatTensor> vae = randomWeights(vaeShapes(), seed, "vae");
        if (singleFile) {
            SafetensorsWriter w = new SafetensorsWriter()
                    .metadata(LdmCheckpoint.UNET_CONFIG_METADATA, UNET.toJson().toString())
                    .metadata(LdmCheckpoint.VAE_CONFIG_METADATA, VAE.toJson().toString());
            LdmKeyMap um = LdmKeyMap.unet(UNET);
            LdmKeyMap vm = LdmKeyMap.vae(VAE);
            unet.forEach((k, t) -> w.add(um.toLdm(k).orElseThrow().name(), t, dtype));
            vae.forEach((k, t) -> {
                LdmKeyMap.Mapped m = vm.toLdm(k).orElseThrow();
                long[] s = t.shape();
                w.add(m.name(), m.squeeze() ? new long[] {s[0], s[1], 1, 1} : s, t.data(), dtype);
            });
            if (textEncoder != null) {
                textEncoder.tensors().forEach((k, t) -> w.add(LdmCheckpoint.CLIP_PREFIX + k, t, dtype));
                w.metadata(LdmCheckpoint.TEXT_ENCODER_CONFIG_METADATA, textEncoder.config().toString());
            }
            Path file = dir.resolve(SINGLE_FILE);
            w.write(file);
            return file;
        }
        writeComponent(dir.resolve("unet"), UNET.toJson(), unet, dtype);
        writeComponent(dir.resolve("vae"), VAE.toJson(), vae, dtype);
        Files.createDirectories(dir.resolve("scheduler"));
        writeJson(dir.resolve("scheduler/scheduler_config.json"), SchedulerConfig.sd15().toJson());
        if (textEncoder != null) {
            textEncoder.writeDiffusers(dir);
        }
        writeJson(dir.resolve("model_index.json"), modelIndex(textEncoder != null));
        return dir;
    }

    /** Names and shapes of every UNet tensor for {@link #UNET}, in model order. */
    public static Map<String, long[]> unetShapes() {
        try (NDManager m = TorchRuntime.open("cpu").newManager()) {
            SdWeights rec = SdWeights.recorder(m, "unet");
            UNet2DConditionModel.create(UNET, rec);
            return new LinkedHashMap<>(rec.recorded());
        }
    }

    /** Names and shapes of every VAE tensor for {@link #VAE}, in model order. */
    public static Map<String, long[]> vaeShapes() {
        try (NDManager m = TorchRuntime.open("cpu").newManager()) {
            SdWeights rec = SdWeights.recorder(m, "vae");
            AutoencoderKL.create(VAE, rec);
            return new LinkedHashMap<>(rec.recorded());
        }
    }

    /**
     * Seeded values per tensor: norm weights near 1, biases small, other weights U(+-sqrt(3 / fan_in)) (unit
     * variance through each layer, so the tiny model's outputs are neither vanishing nor saturated).
     */
    static Map<String, FloatTensor> randomWeights(Map<String, long[]> shapes, long seed, String component) {
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        shapes.forEach((name, shape) -> {
            SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + (component + "/" + name)
                    .hashCode());
            float[] v = new float[(int) FloatTensor.numel(shape)];
            boolean vector = shape.length == 1;
            boolean normWeight = vector && name.endsWith(".weight");
            double bound = vector ? 0.1 : Math.sqrt(3.0 * shape[0] / v.length);
            for (int i = 0; i < v.length; i++) {
                double u = (rng.nextDouble() * 2 - 1) * bound;
                v[i] = (float) (normWeight ? 1 + u : u);
            }
            out.put(name, new FloatTensor(shape, v));
        });
        return out;
    }

    private static void writeComponent(Path dir, ObjectNode config, Map<String, FloatTensor> tensors, DType dtype)
            throws IOException {
        Files.createDirectories(dir);
        writeJson(dir.resolve("config.json"), config);
        SafetensorsWriter w = new SafetensorsWriter();
        tensors.forEach((k, t) -> w.add(k, t, dtype));
        w.write(dir.resolve(StableDiffusionCheckpoint.WEIGHTS));
    }

    private static ObjectNode modelIndex(boolean withText) {
        ObjectNode o = SdJson.mapper().createObjectNode();
        o.put("_class_name", "StableDiffusionPipeline");
        o.put("_diffusers_version", "0.30.0");
        pair(o, "feature_extractor", null, null);
        o.put("requires_safety_checker", false);
        pair(o, "safety_checker", null, null);
        pair(o, "scheduler", "diffusers", "PNDMScheduler");
        pair(o, "text_encoder", withText ? "transformers" : null, withText ? "CLIPTextModel" : null);
        pair(o, "tokenizer", withText ? "transformers" : null, withText ? "CLIPTokenizer" : null);
        pair(o, "unet", "diffusers", "UNet2DConditionModel");
        pair(o, "vae", "diffusers", "AutoencoderKL");
        return o;
    }

    private static void pair(ObjectNode o, String key, String library, String cls) {
        ArrayNode a = o.putArray(key);
        a.add(library);
        a.add(cls);
    }

    private static void writeJson(Path file, ObjectNode node) throws IOException {
        String text = SdJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n";
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
