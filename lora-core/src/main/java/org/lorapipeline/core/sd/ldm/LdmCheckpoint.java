package org.lorapipeline.core.sd.ldm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.lorapipeline.core.safetensors.TensorSource;
import org.lorapipeline.core.sd.RenamedTensorSource;
import org.lorapipeline.core.sd.unet.UNetConfig;
import org.lorapipeline.core.sd.vae.VaeConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An original single-file SD 1.x checkpoint ({@code v1-5-pruned.safetensors}) seen as three diffusers-named parts:
 * UNet ({@code model.diffusion_model.*}), VAE ({@code first_stage_model.*}) and CLIP text encoder
 * ({@code cond_stage_model.transformer.*}). Files of other model families are recognised and refused with a message
 * saying what they look like.
 */
public final class LdmCheckpoint {
    private static final Logger log = LoggerFactory.getLogger(LdmCheckpoint.class);
    public static final String CLIP_PREFIX = "cond_stage_model.transformer.";
    /**
     * Safetensors metadata keys in which a single file may state its architecture as diffusers/transformers config
     * JSON. Real SD 1.x files have none (their shapes are SD 1.5's); the tiny test models write them because a
     * shape cannot tell a head count.
     */
    public static final String UNET_CONFIG_METADATA = "lorapipeline.unet_config";
    public static final String VAE_CONFIG_METADATA = "lorapipeline.vae_config";
    public static final String TEXT_ENCODER_CONFIG_METADATA = "lorapipeline.text_encoder_config";
    /** Tensors a full training checkpoint carries besides the model: EMA copies and the DDPM schedule buffers. */
    private static final List<String> IGNORED_PREFIXES = List.of("model_ema.", "betas", "alphas_cumprod",
            "alphas_cumprod_prev", "sqrt_", "log_one_minus_", "posterior_", "logvar");

    private LdmCheckpoint() {}

    /** The diffusers-named parts of a single file; the views read from {@code source}, which the caller closes. */
    public record Parts(RenamedTensorSource unet, RenamedTensorSource vae, RenamedTensorSource textEncoder) {}

    /**
     * Checks that {@code source} is an SD 1.x LDM checkpoint whose text conditioning is {@code crossAttentionDim}
     * wide.
     *
     * @throws IllegalArgumentException naming what the file looks like and what is supported
     */
    public static void identify(Path file, TensorSource source, int crossAttentionDim) {
        List<String> names = source.names();
        String supported = "; supported single files are Stable Diffusion 1.x LDM checkpoints (v1-5-pruned"
                + ".safetensors style: model.diffusion_model.*, first_stage_model.*, cond_stage_model.transformer.*),"
                + " or give a diffusers folder";
        if (names.stream().anyMatch(n -> n.startsWith("conditioner.embedders."))) {
            throw new IllegalArgumentException(file + " looks like an SDXL checkpoint (conditioner.embedders.* keys)"
                    + supported);
        }
        if (names.stream().anyMatch(n -> n.startsWith("cond_stage_model.model."))) {
            throw new IllegalArgumentException(file + " looks like a Stable Diffusion 2.x checkpoint (OpenCLIP text"
                    + " encoder under cond_stage_model.model.*)" + supported);
        }
        if (names.stream().anyMatch(n -> n.startsWith("lora_unet_") || n.startsWith("lora_te_"))) {
            throw new IllegalArgumentException(file + " is a LoRA file (lora_unet_*/lora_te_* keys), not a base"
                    + " model" + supported);
        }
        if (names.stream().noneMatch(n -> n.startsWith(LdmKeyMap.UNET_PREFIX))) {
            String sample = names.isEmpty() ? "no tensors" : "keys like " + names.subList(0, Math.min(3,
                    names.size()));
            throw new IllegalArgumentException(file + " has no UNet keys (" + LdmKeyMap.UNET_PREFIX + "*), "
                    + sample + supported);
        }
        String toK = LdmKeyMap.UNET_PREFIX + "input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight";
        if (source.contains(toK) && source.info(toK).shape()[1] != crossAttentionDim) {
            throw new IllegalArgumentException(file + ": cross-attention width " + source.info(toK).shape()[1]
                    + " but the UNet config expects " + crossAttentionDim + " (SD 1.x has 768; 1024 is SD 2.x)"
                    + supported);
        }
    }

    /** The SD 1.5 UNet config with in_channels read from conv_in (9 for inpainting checkpoints). */
    public static UNetConfig sd15UNetConfig(TensorSource source) {
        UNetConfig d = UNetConfig.sd15();
        String convIn = LdmKeyMap.UNET_PREFIX + "input_blocks.0.0.weight";
        int in = source.contains(convIn) && source.info(convIn).shape().length == 4
                ? (int) source.info(convIn).shape()[1] : d.inChannels();
        return new UNetConfig(in, d.outChannels(), d.blockOutChannels(), d.layersPerBlock(), d.downBlockTypes(),
                d.upBlockTypes(), d.crossAttentionDim(), d.attentionHeadDim(), d.normNumGroups(), d.normEps(),
                d.flipSinToCos(), d.freqShift(), d.sampleSize(), d.useLinearProjection(),
                d.transformerLayersPerBlock());
    }

    /** Splits an identified checkpoint into diffusers-named parts for the given configs. */
    public static Parts split(Path file, TensorSource source, UNetConfig unet, VaeConfig vae) {
        identify(file, source, unet.crossAttentionDim());
        LdmKeyMap unetMap = LdmKeyMap.unet(unet);
        LdmKeyMap vaeMap = LdmKeyMap.vae(vae);
        Map<String, RenamedTensorSource.Entry> u = new LinkedHashMap<>();
        Map<String, RenamedTensorSource.Entry> v = new LinkedHashMap<>();
        Map<String, RenamedTensorSource.Entry> t = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        for (String name : source.names()) {
            if (name.startsWith(LdmKeyMap.UNET_PREFIX)) {
                add(unetMap.toDiffusers(name), name, source, u, unknown);
            } else if (name.startsWith(LdmKeyMap.VAE_PREFIX)) {
                add(vaeMap.toDiffusers(name), name, source, v, unknown);
            } else if (name.startsWith(CLIP_PREFIX)) {
                String rest = name.substring(CLIP_PREFIX.length());
                // old files lack the text_model. level that transformers' CLIPTextModel has (A1111 inserts it too)
                String te = rest.startsWith("text_model.") ? rest : "text_model." + rest;
                if (!te.endsWith("position_ids")) {
                    t.put(te, new RenamedTensorSource.Entry(name, null));
                }
            } else if (IGNORED_PREFIXES.stream().noneMatch(name::startsWith)) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            log.warn("{}: {} tensors match no SD 1.x LDM name for this layout and are ignored, e.g. {}", file,
                    unknown.size(), unknown.subList(0, Math.min(5, unknown.size())));
        }
        return new Parts(new RenamedTensorSource(source, u), new RenamedTensorSource(source, v),
                new RenamedTensorSource(source, t));
    }

    private static void add(Optional<LdmKeyMap.Mapped> mapped, String name, TensorSource source,
                            Map<String, RenamedTensorSource.Entry> into, List<String> unknown) {
        if (mapped.isEmpty()) {
            unknown.add(name);
            return;
        }
        long[] shape = source.info(name).shape();
        if (mapped.get().squeeze() && shape.length == 4) {
            shape = new long[] {shape[0], shape[1]};
        }
        into.put(mapped.get().name(), new RenamedTensorSource.Entry(name, shape));
    }
}
