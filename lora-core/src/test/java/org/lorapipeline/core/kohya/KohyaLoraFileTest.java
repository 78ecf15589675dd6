package org.lorapipeline.core.kohya;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipeline.core.safetensors.DType;
import org.lorapipeline.core.safetensors.SafetensorsFile;
import org.lorapipeline.core.safetensors.SafetensorsWriter;
import org.lorapipeline.core.tensor.FloatTensor;
import org.lorapipeline.core.tensor.HalfFloats;

class KohyaLoraFileTest {
    @TempDir
    Path tmp;

    /** Random weights for each module; proj_in/proj_out as 1x1 convs like SD 1.x, widths from the name. */
    static List<LoraModuleWeights> randomModules(List<String> names, int rank, float alpha, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<LoraModuleWeights> out = new ArrayList<>();
        for (String n : names) {
            boolean conv = n.endsWith("proj_in") || n.endsWith("proj_out");
            int in = 8 + (n.hashCode() & 7);
            int o = 8 + ((n.hashCode() >>> 3) & 7);
            long[] ds = conv ? new long[] {rank, in, 1, 1} : new long[] {rank, in};
            long[] us = conv ? new long[] {o, rank, 1, 1} : new long[] {o, rank};
            out.add(new LoraModuleWeights(n, random(ds, rng), random(us, rng), alpha));
        }
        return out;
    }

    static FloatTensor random(long[] shape, SplittableRandom rng) {
        float[] v = new float[(int) FloatTensor.numel(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return new FloatTensor(shape, v);
    }

    @Test
    void writeThenReadRoundTripsEveryTinyModuleAndTheMetadata() throws Exception {
        List<String> known = new ArrayList<>(SdModuleNames.tinyUnet());
        known.addAll(SdModuleNames.tinyTextEncoder(tmp.resolve("clip")));
        List<LoraModuleWeights> modules = randomModules(known, 4, 2f, 1);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("ss_network_dim", "4");
        meta.put("ss_network_alpha", "2.0");
        meta.put("modelspec.title", "tiny");
        Path file = tmp.resolve("tiny.safetensors");
        KohyaLoraFile.write(file, modules, meta, DType.F32);

        KohyaLora read = KohyaLoraFile.read(file);
        assertThat(read.format()).isEqualTo(KohyaLora.Format.KOHYA);
        assertThat(read.rank()).isEqualTo(4);
        assertThat(read.alpha()).isEqualTo(2f);
        assertThat(read.uniform()).isTrue();
        assertThat(read.modules()).hasSize(known.size());
        assertThat(read.modules().get(0).module()).startsWith("lora_");
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("format", "pt");
        expected.putAll(meta);
        expected.put(SshsHash.MODEL_HASH, SshsHash.compute(file).modelHash());
        expected.put(SshsHash.LEGACY_HASH, "e3b0c442");
        assertThat(read.metadata()).containsExactlyInAnyOrderEntriesOf(expected);

        KohyaLora resolved = read.resolve(known);
        for (LoraModuleWeights m : modules) {
            LoraModuleWeights r = resolved.module(m.module()).orElseThrow();
            assertThat(r).isEqualTo(m); // FloatTensor equality is exact
        }
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertThat(f.names()).hasSize(3 * known.size())
                    .contains("lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight",
                            "lora_te_text_model_encoder_layers_1_mlp_fc2.alpha");
            assertThat(f.info("lora_unet_down_blocks_0_attentions_0_proj_in.lora_up.weight").shape()).hasSize(4);
            assertThat(f.info("lora_te_text_model_encoder_layers_1_mlp_fc2.alpha").shape()).isEmpty();
        }
    }

    @Test
    void halfPrecisionStoresEveryTensorInF16AndMixedRanksAreReportedPerModule() {
        List<LoraModuleWeights> modules = new ArrayList<>(randomModules(
                List.of("unet.mid_block.attentions.0.proj_in", "unet.mid_block.attentions.0.transformer_blocks.0"
                        + ".attn1.to_q"), 8, 4f, 2));
        modules.addAll(randomModules(List.of("text_encoder.text_model.encoder.layers.0.mlp.fc1"), 4, 1f, 3));
        Path file = tmp.resolve("half.safetensors");
        KohyaLoraFile.write(file, modules, Map.of(), DType.F16);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            f.infos().forEach(t -> assertThat(t.dtype()).as(t.name()).isEqualTo(DType.F16));
        }
        KohyaLora read = KohyaLoraFile.read(file);
        assertThat(read.uniform()).isFalse();
        assertThat(read.rank()).isEqualTo(8);
        assertThat(read.alpha()).isEqualTo(4f);
        LoraModuleWeights te = read.module("lora_te_text_model_encoder_layers_0_mlp_fc1").orElseThrow();
        assertThat(te.rank()).isEqualTo(4);
        assertThat(te.alpha()).isEqualTo(1f);
        float[] original = modules.get(2).down().data();
        for (int i = 0; i < original.length; i++) {
            assertThat(te.down().data()[i]).isEqualTo(HalfFloats.f16ToF32(HalfFloats.f32ToF16(original[i])));
        }
    }

    @Test
    void readsEveryDiffusersKeyStyleWithItsAlphas() {
        SplittableRandom rng = new SplittableRandom(4);
        FloatTensor a = random(new long[] {2, 8}, rng);
        FloatTensor b = random(new long[] {6, 2}, rng);
        SafetensorsWriter w = new SafetensorsWriter();
        // diffusers 0.2x UNet style with network_alphas
        w.add("unet.mid_block.attentions.0.transformer_blocks.0.attn1.to_q.lora.down.weight", a, DType.F32);
        w.add("unet.mid_block.attentions.0.transformer_blocks.0.attn1.to_q.lora.up.weight", b, DType.F32);
        w.add("unet.mid_block.attentions.0.transformer_blocks.0.attn1.to_q.alpha", new long[0], new float[] {1f},
                DType.F32);
        // text encoder lora_linear_layer style
        w.add("text_encoder.text_model.encoder.layers.0.self_attn.q_proj.lora_linear_layer.down.weight", a, DType.F32);
        w.add("text_encoder.text_model.encoder.layers.0.self_attn.q_proj.lora_linear_layer.up.weight", b, DType.F32);
        // 2023 attention processor style, no component prefix
        w.add("down_blocks.0.attentions.0.transformer_blocks.0.attn2.processor.to_out_lora.down.weight", a, DType.F32);
        w.add("down_blocks.0.attentions.0.transformer_blocks.0.attn2.processor.to_out_lora.up.weight", b, DType.F32);
        Path file = tmp.resolve("old-diffusers.safetensors");
        w.write(file);

        KohyaLora read = KohyaLoraFile.read(file);
        assertThat(read.format()).isEqualTo(KohyaLora.Format.DIFFUSERS);
        assertThat(read.modules()).extracting(LoraModuleWeights::module).containsExactlyInAnyOrder(
                "unet.mid_block.attentions.0.transformer_blocks.0.attn1.to_q",
                "text_encoder.text_model.encoder.layers.0.self_attn.q_proj",
                "unet.down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_out.0");
        assertThat(read.module("unet.mid_block.attentions.0.transformer_blocks.0.attn1.to_q").orElseThrow().alpha())
                .isEqualTo(1f);
        // no alpha stored: lora_alpha = r, scale 1
        assertThat(read.module("text_encoder.text_model.encoder.layers.0.self_attn.q_proj").orElseThrow().scale())
                .isEqualTo(1f);
    }

    @Test
    void peftStyleAlphaComesFromAdapterMetadata() {
        SplittableRandom rng = new SplittableRandom(5);
        SafetensorsWriter w = new SafetensorsWriter()
                .metadata("lora_adapter_metadata", "{\"unet.r\": 4, \"unet.lora_alpha\": 2.0,"
                        + " \"unet.alpha_pattern\": {\"attn1.to_k\": 8}}");
        for (String m : List.of("attn1.to_q", "attn1.to_k")) {
            String p = "unet.mid_block.attentions.0.transformer_blocks.0." + m;
            w.add(p + ".lora_A.weight", random(new long[] {4, 8}, rng), DType.F32);
            w.add(p + ".lora_B.weight", random(new long[] {8, 4}, rng), DType.F32);
        }
        Path file = tmp.resolve("peft.safetensors");
        w.write(file);
        KohyaLora read = KohyaLoraFile.read(file);
        assertThat(read.module("unet.mid_block.attentions.0.transformer_blocks.0.attn1.to_q").orElseThrow().alpha())
                .isEqualTo(2f);
        assertThat(read.module("unet.mid_block.attentions.0.transformer_blocks.0.attn1.to_k").orElseThrow().alpha())
                .isEqualTo(8f);
    }

    @Test
    void diffusersExportPreservesTheEffectiveUpdate() throws Exception {
        List<String> names = SdModuleNames.tinyUnet().subList(0, 12);
        List<LoraModuleWeights> modules = randomModules(names, 4, 1f, 6); // scale 1/4
        Path file = DiffusersLoraFile.write(tmp.resolve("diffusers"), modules);
        assertThat(file.getFileName().toString()).isEqualTo("pytorch_lora_weights.safetensors");
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertThat(f.metadata()).containsEntry("format", "pt");
            assertThat(f.names()).contains("unet.down_blocks.0.attentions.0.proj_in.lora_A.weight",
                    "unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.lora_B.weight");
            assertThat(f.names()).noneMatch(n -> n.endsWith(".alpha"));
        }
        KohyaLora read = KohyaLoraFile.read(file);
        assertThat(read.format()).isEqualTo(KohyaLora.Format.DIFFUSERS);
        for (LoraModuleWeights m : modules) {
            LoraModuleWeights r = read.module(m.module()).orElseThrow();
            assertThat(r.scale()).isEqualTo(1f);
            assertThat(r.down()).isEqualTo(m.down());
            assertThat(r.delta()).containsExactly(m.delta(), within(1e-6f));
        }
    }

    @Test
    void unknownLayoutsFailNamingTheFileAndKeys() {
        Path other = tmp.resolve("model.safetensors");
        new SafetensorsWriter().add("model.layers.0.weight", new long[] {2}, new float[] {1, 2}, DType.F32)
                .write(other);
        assertThatThrownBy(() -> KohyaLoraFile.read(other)).isInstanceOf(LoraFormatException.class)
                .hasMessageContaining(other.toString()).hasMessageContaining("model.layers.0.weight");

        Path loha = tmp.resolve("loha.safetensors");
        new SafetensorsWriter().add("lora_unet_mid_block_attentions_0_proj_in.hada_w1_a", new long[] {2},
                new float[] {1, 2}, DType.F32).write(loha);
        assertThatThrownBy(() -> KohyaLoraFile.read(loha)).hasMessageContaining("hada_w1_a")
                .hasMessageContaining("LoHa");

        Path orphan = tmp.resolve("orphan.safetensors");
        new SafetensorsWriter().add("lora_unet_mid_block_attentions_0_proj_in.lora_down.weight", new long[] {1, 2},
                new float[] {1, 2}, DType.F32).write(orphan);
        assertThatThrownBy(() -> KohyaLoraFile.read(orphan)).hasMessageContaining("no up/lora_B");
    }
}
