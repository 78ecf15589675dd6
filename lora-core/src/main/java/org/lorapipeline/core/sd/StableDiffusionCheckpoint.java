package org.lorapipeline.core.sd;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.lorapipeline.core.safetensors.SafetensorsFile;
import org.lorapipeline.core.safetensors.TensorSource;
import org.lorapipeline.core.sd.ldm.LdmCheckpoint;
import org.lorapipeline.core.sd.unet.UNet2DConditionModel;
import org.lorapipeline.core.sd.unet.UNetConfig;
import org.lorapipeline.core.sd.vae.AutoencoderKL;
import org.lorapipeline.core.sd.vae.VaeConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Stable Diffusion 1.x base model opened from a diffusers folder ({@code model_index.json}, {@code unet/},
 * {@code vae/}, {@code text_encoder/}, {@code scheduler/}) or an original single-file checkpoint
 * ({@code v1-5-pruned.safetensors}); either way the parts are seen with diffusers names and configs, so the models
 * load with the same code. Tensors stay on disk until a model is built.
 */
public final class StableDiffusionCheckpoint implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StableDiffusionCheckpoint.class);
    static final String WEIGHTS = "diffusion_pytorch_model.safetensors";
    /** Pre-0.14 diffusers VAE attention names, still in many hub folders (runwayml's among them). */
    static final Map<String, String> DEPRECATED_VAE_ATTENTION = Map.of(
            "query", "to_q", "key", "to_k", "value", "to_v", "proj_attn", "to_out.0");

    /** Where the weights came from. */
    public enum Layout { DIFFUSERS, LDM_SINGLE_FILE }

    private final Path path;
    private final Layout layout;
    private final UNetConfig unetConfig;
    private final VaeConfig vaeConfig;
    private final SchedulerConfig schedulerConfig;
    private final TensorSource unet;
    private final TensorSource vae;
    private final TensorSource textEncoder;
    private final List<TensorSource> owned;
    private final Map<String, String> fileMetadata;

    private StableDiffusionCheckpoint(Path path, Layout layout, UNetConfig unetConfig, VaeConfig vaeConfig,
                                      SchedulerConfig schedulerConfig, TensorSource unet, TensorSource vae,
                                      TensorSource textEncoder, List<TensorSource> owned,
                                      Map<String, String> fileMetadata) {
        this.path = path;
        this.layout = layout;
        this.unetConfig = unetConfig;
        this.vaeConfig = vaeConfig;
        this.schedulerConfig = schedulerConfig;
        this.unet = unet;
        this.vae = vae;
        this.textEncoder = textEncoder;
        this.owned = owned;
        this.fileMetadata = Map.copyOf(fileMetadata);
    }

    /**
     * Opens a diffusers folder, or a {@code .safetensors} single file with SD 1.5's configs (in_channels read from
     * the file).
     */
    public static StableDiffusionCheckpoint open(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            return openDiffusers(path);
        }
        if (!Files.isRegularFile(path)) {
            throw new IOException(path + ": no such file or folder; give a diffusers Stable Diffusion folder or an SD"
                    + " 1.x .safetensors checkpoint");
        }
        String file = path.getFileName().toString();
        if (file.endsWith(".ckpt") || file.endsWith(".pt") || file.endsWith(".bin")) {
            throw new IOException(path + ": pickle checkpoints are not loaded (they can run code); convert it to"
                    + " .safetensors first");
        }
        SafetensorsFile source = SafetensorsFile.open(path);
        try {
            Map<String, String> meta = source.metadata();
            if (meta.containsKey(LdmCheckpoint.UNET_CONFIG_METADATA)) {
                // a file that states its own architecture (our tiny models): no SD 1.5 shapes to assume
                var json = SdJson.mapper();
                UNetConfig u = UNetConfig.fromJson(json.readTree(meta.get(LdmCheckpoint.UNET_CONFIG_METADATA)));
                VaeConfig v = VaeConfig.fromJson(json.readTree(meta.get(LdmCheckpoint.VAE_CONFIG_METADATA)));
                return openSingleFile(path, source, u, v);
            }
            // identify first: reading the layout from a file of another family would fail obscurely
            LdmCheckpoint.identify(path, source, UNetConfig.sd15().crossAttentionDim());
            return openSingleFile(path, source, LdmCheckpoint.sd15UNetConfig(source), VaeConfig.sd15());
        } catch (RuntimeException | IOException e) {
            source.close();
            throw e;
        }
    }

    /** Opens a single-file LDM checkpoint whose architecture is given (tiny test models, custom layouts). */
    public static StableDiffusionCheckpoint openSingleFile(Path file, UNetConfig unetConfig, VaeConfig vaeConfig) {
        SafetensorsFile source = SafetensorsFile.open(file);
        try {
            return openSingleFile(file, source, unetConfig, vaeConfig);
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    private static StableDiffusionCheckpoint openSingleFile(Path file, SafetensorsFile source, UNetConfig u,
                                                            VaeConfig v) {
        LdmCheckpoint.Parts parts = LdmCheckpoint.split(file, source, u, v);
        log.info("{}: SD 1.x single file, {} UNet / {} VAE / {} text encoder tensors", file, parts.unet().names()
                .size(), parts.vae().names().size(), parts.textEncoder().names().size());
        return new StableDiffusionCheckpoint(file, Layout.LDM_SINGLE_FILE, u, v, SchedulerConfig.sd15(),
                parts.unet(), parts.vae(), parts.textEncoder().names().isEmpty() ? null : parts.textEncoder(),
                List.of(source), source.metadata());
    }

    private static StableDiffusionCheckpoint openDiffusers(Path dir) throws IOException {
        Path index = dir.resolve("model_index.json");
        if (Files.isRegularFile(index)) {
            JsonNode root = SdJson.read(index);
            String cls = SdJson.text(root, "_class_name", "");
            if (cls.contains("XL") || root.has("text_encoder_2")) {
                throw new IllegalArgumentException(index + ": _class_name " + cls + " is an SDXL pipeline; only"
                        + " Stable Diffusion 1.x is supported");
            }
        } else {
            log.warn("{}: no model_index.json; reading unet/, vae/ and scheduler/ anyway", dir);
        }
        UNetConfig u = UNetConfig.read(dir.resolve("unet/config.json"));
        VaeConfig v = VaeConfig.read(dir.resolve("vae/config.json"));
        Path sched = dir.resolve("scheduler/scheduler_config.json");
        SchedulerConfig s = Files.isRegularFile(sched) ? SchedulerConfig.read(sched) : SchedulerConfig.sd15();
        List<TensorSource> owned = new ArrayList<>();
        try {
            TensorSource unet = own(owned, weights(dir.resolve("unet")));
            TensorSource vae = renameDeprecatedAttention(own(owned, weights(dir.resolve("vae"))));
            Path te = dir.resolve("text_encoder");
            TensorSource text = Files.isDirectory(te) ? own(owned, TensorSource.open(te)) : null;
            return new StableDiffusionCheckpoint(dir, Layout.DIFFUSERS, u, v, s, unet, vae, text, owned, Map.of());
        } catch (RuntimeException | IOException e) {
            owned.forEach(TensorSource::close);
            throw e;
        }
    }

    private static TensorSource own(List<TensorSource> owned, TensorSource s) {
        owned.add(s);
        return s;
    }

    private static TensorSource weights(Path componentDir) throws IOException {
        for (String name : List.of(WEIGHTS, "diffusion_pytorch_model.fp16.safetensors")) {
            Path p = componentDir.resolve(name);
            if (Files.isRegularFile(p)) {
                return SafetensorsFile.open(p);
            }
        }
        if (Files.isRegularFile(componentDir.resolve("diffusion_pytorch_model.bin"))) {
            throw new IOException(componentDir + ": only diffusion_pytorch_model.bin (pickle) found; save the model"
                    + " with safe_serialization=True or convert it to " + WEIGHTS);
        }
        throw new IOException(componentDir + ": " + WEIGHTS + " not found");
    }

    /** Sees {@code ...attentions.0.query.weight} as {@code ...attentions.0.to_q.weight}, etc. */
    private static TensorSource renameDeprecatedAttention(TensorSource vae) {
        boolean old = vae.names().stream().anyMatch(n -> n.contains(".attentions.0.query."));
        if (!old) {
            return vae;
        }
        Map<String, RenamedTensorSource.Entry> entries = new LinkedHashMap<>();
        for (String n : vae.names()) {
            String renamed = n;
            for (Map.Entry<String, String> e : DEPRECATED_VAE_ATTENTION.entrySet()) {
                renamed = renamed.replace(".attentions.0." + e.getKey() + ".", ".attentions.0." + e.getValue() + ".");
            }
            entries.put(renamed, new RenamedTensorSource.Entry(n, null));
        }
        return new RenamedTensorSource(vae, entries);
    }

    public Path path() {
        return path;
    }

    public Layout layout() {
        return layout;
    }

    public UNetConfig unetConfig() {
        return unetConfig;
    }

    public VaeConfig vaeConfig() {
        return vaeConfig;
    }

    public SchedulerConfig schedulerConfig() {
        return schedulerConfig;
    }

    /** UNet tensors with diffusers names. */
    public TensorSource unetWeights() {
        return unet;
    }

    /** VAE tensors with diffusers names (attention projections as 2-d linears). */
    public TensorSource vaeWeights() {
        return vae;
    }

    /**
     * The CLIP text encoder's tensors with transformers names ({@code text_model.*}), for the CLIP text tower to
     * load; empty when the checkpoint has none. A diffusers folder's {@code text_encoder/config.json} is at
     * {@link #textEncoderConfig()}; a single file carries no config (it is openai/clip-vit-large-patch14's).
     */
    public Optional<TensorSource> textEncoderWeights() {
        return Optional.ofNullable(textEncoder);
    }

    /**
     * A single file's own statement of its text encoder's {@code CLIPTextModel} config (JSON, in the safetensors
     * metadata under {@link LdmCheckpoint#TEXT_ENCODER_CONFIG_METADATA}); real SD files carry none, and their text
     * encoder is CLIP ViT-L/14's.
     */
    public Optional<String> singleFileTextEncoderConfig() {
        return Optional.ofNullable(fileMetadata.get(LdmCheckpoint.TEXT_ENCODER_CONFIG_METADATA));
    }

    public Optional<Path> textEncoderConfig() {
        Path p = path.resolve("text_encoder/config.json");
        return layout == Layout.DIFFUSERS && Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    /** Builds the UNet into {@code manager} (which the model then owns). */
    public UNet2DConditionModel loadUNet(NDManager manager) {
        SdWeights w = new SdWeights(unet, manager, "unet");
        UNet2DConditionModel model = UNet2DConditionModel.create(unetConfig, w);
        warnUnused("unet", w);
        return model;
    }

    /** Builds the VAE into {@code manager} (which the model then owns). */
    public AutoencoderKL loadVae(NDManager manager) {
        SdWeights w = new SdWeights(vae, manager, "vae");
        AutoencoderKL model = AutoencoderKL.create(vaeConfig, w);
        warnUnused("vae", w);
        return model;
    }

    private void warnUnused(String part, SdWeights w) {
        List<String> unused = w.unused();
        if (!unused.isEmpty()) {
            log.warn("{}: {} {} tensors not used by the model (config smaller than the weights?), e.g. {}", path,
                    unused.size(), part, unused.subList(0, Math.min(5, unused.size())));
        }
    }

    @Override
    public void close() {
        owned.forEach(TensorSource::close);
    }
}
