package org.lorapipeline.core.kohya;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipeline.core.peft.PythonJson;
import org.lorapipeline.core.safetensors.DType;
import org.lorapipeline.core.safetensors.SafetensorsFile;
import org.lorapipeline.core.tensor.FloatTensor;

/**
 * kohya's sshs hashes against {@code kohya/make_sshs_reference.py}, which serialises the same tensors and ss_*
 * metadata by the safetensors rules in Python and hashes them as sd-scripts' train_util does.
 */
class SshsHashTest {
    @TempDir
    Path tmp;

    /** Same modules, shapes and value formula as the script. */
    static final List<String> MODULES = List.of(
            "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_ff_net_0_proj",
            "lora_unet_down_blocks_0_attentions_1_transformer_blocks_0_ff_net_0_proj",
            "lora_unet_mid_block_attentions_0_proj_in",
            "lora_te_text_model_encoder_layers_0_mlp_fc1",
            "lora_unet_up_blocks_3_attentions_2_transformer_blocks_0_ff_net_2",
            "lora_unet_up_blocks_1_attentions_0_transformer_blocks_0_ff_net_2");
    static final long[][][] SHAPES = {
            {{16, 1280}, {10240, 16}}, {{16, 1280}, {10240, 16}}, {{16, 1280, 1, 1}, {1280, 16, 1, 1}},
            {{16, 768}, {3072, 16}}, {{16, 5120}, {1280, 16}}, {{16, 5120}, {1280, 16}}};

    static FloatTensor values(long[] shape, long salt) {
        float[] v = new float[(int) FloatTensor.numel(shape)];
        for (int i = 0; i < v.length; i++) {
            long x = i + salt;
            v[i] = (float) (((x * 37) % 201 - 100) / 64.0);
        }
        return new FloatTensor(shape, v);
    }

    @Test
    void hashesMatchAnIndependentPythonComputation() throws Exception {
        List<LoraModuleWeights> modules = new ArrayList<>();
        for (int i = 0; i < MODULES.size(); i++) {
            modules.add(new LoraModuleWeights(MODULES.get(i), values(SHAPES[i][0], 1000L * i),
                    values(SHAPES[i][1], 1000L * i + 7), 8f));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("modelspec.title", "not hashed: only ss_* keys are"); // before the ss_ keys on purpose
        meta.put("ss_output_name", "hash-check");
        meta.put("ss_network_dim", "16");
        meta.put("ss_network_alpha", "8.0");
        meta.put("ss_training_comment", "ünïcode comment, \"quoted\"");
        Map<String, Object> tags = new LinkedHashMap<>();
        tags.put("10_mychar", new LinkedHashMap<>(Map.of("rain", 3)));
        ((Map<String, Object>) tags.get("10_mychar")).put("neon lights", 2);
        meta.put("ss_tag_frequency", PythonJson.dumpsInline(tags));
        Path file = tmp.resolve("hash-check.safetensors");
        KohyaLoraFile.write(file, modules, meta, DType.F16);

        JsonNode ref;
        try (InputStream in = getClass().getResourceAsStream("/kohya/sshs_reference.json")) {
            ref = new ObjectMapper().readTree(in);
        }
        Map<String, String> stored;
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            stored = f.metadata();
        }
        assertThat(stored.get(SshsHash.MODEL_HASH)).isEqualTo(ref.get("sshs_model_hash").asText());
        assertThat(stored.get(SshsHash.LEGACY_HASH)).isEqualTo(ref.get("sshs_legacy_hash").asText());
        // the model hash is the data buffer of the file on disk, which is what A1111 recomputes
        assertThat(SshsHash.compute(file).modelHash()).isEqualTo(stored.get(SshsHash.MODEL_HASH));
        assertThat(Files.size(file)).isGreaterThan(ref.get("file_length").asLong() - 4096);
    }

    @Test
    void filesBelowOneMebibyteHaveTheEmptyLegacyHash() {
        Path file = tmp.resolve("small.safetensors");
        KohyaLoraFile.write(file, List.of(new LoraModuleWeights("unet.mid_block.attentions.0.proj_in",
                values(new long[] {4, 32, 1, 1}, 1), values(new long[] {32, 4, 1, 1}, 2), 4f)),
                Map.of("ss_network_dim", "4"), DType.F32);
        SshsHash.Hashes h = SshsHash.compute(file);
        assertThat(h.legacyHash()).isEqualTo("e3b0c442");
        assertThat(h.modelHash()).hasSize(64).matches("[0-9a-f]+");
        assertThat(h.shortHash()).isEqualTo(h.modelHash().substring(0, 12));
    }

    @Test
    void metadataOutsideSsKeysChangesNeitherHash() {
        Path a = tmp.resolve("a.safetensors");
        Path b = tmp.resolve("b.safetensors");
        List<LoraModuleWeights> modules = List.of(new LoraModuleWeights(MODULES.get(4), values(SHAPES[4][0], 0),
                values(SHAPES[4][1], 3), 1f), new LoraModuleWeights(MODULES.get(0), values(SHAPES[0][0], 0),
                values(SHAPES[0][1], 3), 1f));
        KohyaLoraFile.write(a, modules, Map.of("ss_seed", "1"), DType.F32);
        KohyaLoraFile.write(b, modules, Map.of("ss_seed", "1", "modelspec.description", "x".repeat(5000)), DType.F32);
        assertThat(SshsHash.compute(a)).isEqualTo(SshsHash.compute(b));
        // a longer ss_ value shifts the 1 MiB window and so changes the legacy hash only
        Path c = tmp.resolve("c.safetensors");
        KohyaLoraFile.write(c, modules, Map.of("ss_seed", "1", "ss_training_comment", "a comment that is longer"), DType.F32);
        assertThat(SshsHash.compute(c).modelHash()).isEqualTo(SshsHash.compute(a).modelHash());
        assertThat(SshsHash.compute(c).legacyHash()).isNotEqualTo(SshsHash.compute(a).legacyHash());
    }
}
