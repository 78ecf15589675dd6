package org.lorapipeline.export;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.lorapipeline.core.kohya.KohyaLoraFile;
import org.lorapipeline.core.kohya.LoraModuleWeights;
import org.lorapipeline.core.safetensors.DType;
import org.lorapipeline.core.tensor.FloatTensor;
import org.lorapipeline.events.ObjectRef;
import org.lorapipeline.events.TrainingFinished;
import org.lorapipeline.runtime.ObjectStore;
import org.lorapipeline.runtime.ObjectTree;

/** A finished SD 1.5 run as train-service leaves it: a kohya file with ss_* metadata under runs/<runId>/adapter/. */
final class SdRunFixture {
    static final String OUTPUT_NAME = "style_v1";
    static final int RANK = 4;
    static final float ALPHA = 2f;
    /** SD 1.5 module paths with their [out, in] sizes: attention Linears, the FF projection, a 1x1 conv proj_in, TE. */
    static final Map<String, long[]> MODULES = Map.of(
            "unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q", new long[] {320, 320},
            "unet.down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k", new long[] {320, 768},
            "unet.up_blocks.3.attentions.2.transformer_blocks.0.ff.net.0.proj", new long[] {2560, 320},
            "unet.mid_block.attentions.0.transformer_blocks.0.attn1.to_out.0", new long[] {1280, 1280},
            "unet.mid_block.attentions.0.proj_in", new long[] {1280, 1280, 1, 1},
            "text_encoder.text_model.encoder.layers.0.mlp.fc1", new long[] {3072, 768});

    private final ObjectStore store;
    private final Path tmp;

    SdRunFixture(ObjectStore store, Path tmp) {
        this.store = store;
        this.tmp = tmp;
    }

    List<LoraModuleWeights> modules(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<LoraModuleWeights> out = new ArrayList<>();
        for (String path : MODULES.keySet().stream().sorted().toList()) {
            long[] s = MODULES.get(path);
            boolean conv = s.length == 4;
            FloatTensor down = random(rng, conv ? new long[] {RANK, s[1], 1, 1} : new long[] {RANK, s[1]});
            FloatTensor up = random(rng, conv ? new long[] {s[0], RANK, 1, 1} : new long[] {s[0], RANK});
            out.add(new LoraModuleWeights(path, down, up, ALPHA));
        }
        return out;
    }

    TrainingFinished finishedRun(String runId, String eventId, List<LoraModuleWeights> modules, List<String> formats)
            throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("sd-adapter-" + runId));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("ss_output_name", OUTPUT_NAME);
        metadata.put("ss_network_module", "networks.lora");
        metadata.put("ss_network_dim", Integer.toString(RANK));
        metadata.put("ss_network_alpha", Float.toString(ALPHA));
        metadata.put("ss_base_model_version", "sd_v1");
        KohyaLoraFile.write(dir.resolve(OUTPUT_NAME + ".safetensors"), modules, metadata, DType.F16);
        ObjectRef adapter = ObjectTree.upload(store, dir, ExportLayout.runPrefix(runId) + "adapter");
        String yaml = "model_type: sd15\nbase_model: s3://" + store.bucket() + "/models/v1-5-pruned.safetensors\n"
                + "train_data_dir: ./data/style\noutput_dir: ./output/style\noutput_name: " + OUTPUT_NAME + "\n";
        ObjectRef config = store.putBytes(ExportLayout.runPrefix(runId) + "config.yaml", yaml.getBytes(StandardCharsets.UTF_8));
        return TrainingFinished.newBuilder().setEventId(eventId).setRunId(runId).setOccurredAt(Instant.now())
                .setWorkerId("train-it").setAttempt(1).setSteps(20).setFinalLoss(0.11).setModelType("sd15")
                .setAdapter(adapter).setConfig(config).setExportFormats(formats).build();
    }

    private static FloatTensor random(SplittableRandom rng, long[] shape) {
        float[] v = new float[Math.toIntExact(FloatTensor.numel(shape))];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rng.nextDouble() * 0.2 - 0.1);
        }
        return new FloatTensor(shape, v);
    }
}
