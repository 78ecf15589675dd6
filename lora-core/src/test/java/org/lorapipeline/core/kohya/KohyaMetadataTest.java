package org.lorapipeline.core.kohya;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.lorapipeline.core.caption.CaptionReport;
import org.lorapipeline.core.config.MixedPrecision;

class KohyaMetadataTest {
    static KohyaTrainingInfo info(Instant finished) {
        Map<String, String> optArgs = new LinkedHashMap<>();
        optArgs.put("weight_decay", "0.01");
        optArgs.put("betas", "(0.9, 0.999)");
        Map<String, Long> tags = CaptionReport.of(List.of("Rain, neon lights", "rain, **city**")).frequencies();
        return new KohyaTrainingInfo("3141592653", "mychar", KohyaTrainingInfo.BaseModel.sd15("v1-5-pruned.safetensors",
                "cc6cb27103417325ff94f52b7a5d2dde45a7515b25c255d8e396c90014281516"),
                new KohyaTrainingInfo.Network(16, 8, null, Map.of()),
                new KohyaTrainingInfo.Optimizer(KohyaTrainingInfo.Optimizer.ADAMW, optArgs, 1e-4, null, 5e-5, "cosine",
                        0, 1.0),
                new KohyaTrainingInfo.Progress(10, 10, 2000, 2000, 200, 2, 1),
                new KohyaTrainingInfo.Dataset(400, 0, 512, 512, true, 256, 1024, false,
                        List.of(new KohyaTrainingInfo.Bucket(512, 512, 30), new KohyaTrainingInfo.Bucket(448, 576, 10)),
                        null, List.of(new KohyaTrainingInfo.DatasetDir("10_mychar", 10, 40, tags)),
                        KohyaTrainingInfo.Captions.none(), false, false, false),
                new KohyaTrainingInfo.Noise(0.05, 5), 42, 0, MixedPrecision.FP16, true, true,
                Instant.parse("2025-03-04T05:06:07.250Z"), finished, null, "lora-pipeline/0.1.0");
    }

    @Test
    void valuesAreSpelledAsKohyaWritesThem() {
        Map<String, String> m = KohyaMetadata.build(info(Instant.parse("2025-03-04T06:00:00.5Z")), ZoneId.of("UTC"));
        assertThat(m).containsEntry("ss_session_id", "3141592653")
                .containsEntry("ss_training_started_at", "1741064767.25")
                .containsEntry("ss_training_finished_at", "1741068000.5")
                .containsEntry("ss_output_name", "mychar")
                .containsEntry("ss_learning_rate", "0.0001")
                .containsEntry("ss_text_encoder_lr", "5e-05")
                .containsEntry("ss_unet_lr", "None")
                .containsEntry("ss_network_module", "networks.lora")
                .containsEntry("ss_network_dim", "16")
                .containsEntry("ss_network_alpha", "8.0")
                .containsEntry("ss_network_dropout", "None")
                .containsEntry("ss_mixed_precision", "fp16")
                .containsEntry("ss_v2", "False")
                .containsEntry("ss_base_model_version", "sd_v1")
                .containsEntry("ss_gradient_checkpointing", "True")
                .containsEntry("ss_clip_skip", "None")
                .containsEntry("ss_noise_offset", "0.05")
                .containsEntry("ss_min_snr_gamma", "5.0")
                .containsEntry("ss_optimizer", "torch.optim.adamw.AdamW(weight_decay=0.01,betas=(0.9, 0.999))")
                .containsEntry("ss_resolution", "(512, 512)")
                .containsEntry("ss_total_batch_size", "2")
                .containsEntry("ss_dataset_dirs", "{\"10_mychar\": {\"n_repeats\": 10, \"img_count\": 40}}")
                .containsEntry("ss_tag_frequency", "{\"10_mychar\": {\"rain\": 2, \"city\": 1, \"neon lights\": 1}}")
                .containsEntry("ss_bucket_info", "{\"buckets\": {\"0\": {\"resolution\": [512, 512], \"count\": 30},"
                        + " \"1\": {\"resolution\": [448, 576], \"count\": 10}}}")
                .containsEntry("ss_new_sd_model_hash",
                        "cc6cb27103417325ff94f52b7a5d2dde45a7515b25c255d8e396c90014281516")
                .containsEntry("ss_steps", "2000")
                .containsEntry("ss_epoch", "10")
                .containsEntry("modelspec.sai_model_spec", "1.0.1")
                .containsEntry("modelspec.architecture", "stable-diffusion-v1/lora")
                .containsEntry("modelspec.implementation", "diffusers")
                .containsEntry("modelspec.title", "mychar")
                .containsEntry("modelspec.resolution", "512x512")
                .containsEntry("modelspec.date", "2025-03-04T06:00:00")
                .containsEntry("modelspec.prediction_type", "epsilon")
                .doesNotContainKeys("ss_network_args", "modelspec.encoder_layer");
        assertThat(m.keySet()).allMatch(k -> k.startsWith("ss_") || k.startsWith("modelspec."));
    }

    @Test
    void beforeTheFirstSaveThereIsNoFinishTimeAndSessionIdsAreKohyaRange() {
        Map<String, String> m = KohyaMetadata.build(info(null), ZoneId.of("Europe/Berlin"));
        assertThat(m).doesNotContainKey("ss_training_finished_at").containsEntry("modelspec.date", "2025-03-04T06:06:07");
        long id = Long.parseLong(KohyaMetadata.newSessionId(new SplittableRandom(1)));
        assertThat(id).isBetween(0L, 1L << 32);
        assertThatThrownBy(() -> new KohyaTrainingInfo.BaseModel("x", "sd_v3", null,
                org.lorapipeline.core.config.PredictionType.EPSILON)).hasMessageContaining("baseModel.version");
    }
}
