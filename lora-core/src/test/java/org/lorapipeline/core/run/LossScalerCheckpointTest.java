package org.lorapipeline.core.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipeline.core.engine.PrecisionPolicy;
import org.lorapipeline.core.engine.TorchRuntime;
import org.lorapipeline.core.llama.LlamaModel;
import org.lorapipeline.core.llama.TinyLlama;
import org.lorapipeline.core.lora.LoraConfig;
import org.lorapipeline.core.lora.LoraModel;
import org.lorapipeline.core.train.Batch;
import org.lorapipeline.core.train.DataParallel;
import org.lorapipeline.core.train.LoraTrainer;
import org.lorapipeline.core.train.LossScaler;
import org.lorapipeline.core.train.TrainOptions;

/** The fp16 loss scale survives a checkpoint, and checkpoints from before loss scaling still load. */
class LossScalerCheckpointTest {
    private static final LoraConfig LORA = new LoraConfig(2, 4, 0.0, List.of("q_proj", "v_proj"), false);
    @TempDir
    Path dir;

    private static LoraTrainer fp16Trainer(LlamaModel model, LoraModel lora) {
        return new LoraTrainer(DataParallel.single(model, lora), TrainOptions.defaults(1), LossScaler.dynamic());
    }

    @Test
    void scaleAndGrowthTrackerAreSavedAndRestored() throws Exception {
        TorchRuntime rt = TorchRuntime.open("cpu");
        Path saved;
        try (LlamaModel model = TinyLlama.create(rt.newManager(), 11)) {
            ModelReplicas.applyPrecision(model, PrecisionPolicy.fp16());
            LoraModel lora = LoraModel.inject(model.linears(), LORA, model.manager(), 3);
            LoraTrainer trainer = fp16Trainer(model, lora);
            trainer.lossScaler().restore(new LossScaler.State(512f, 1500));
            trainer.step(List.of(Batch.languageModelling(new long[][] {{1, 2, 3, 4, 5, 6}})), 1e-3);
            assertThat(trainer.lossScaler().state()).isEqualTo(new LossScaler.State(512f, 1501));
            TrainerState state = new TrainerState(1, 0, 1, trainer.optimizer().stepCount(), 1, 10, 0, 1, 1,
                    trainer.lossScaler().state());
            saved = Checkpoints.save(dir, lora, LoraExports.adapterConfig(lora, "tiny"), trainer.optimizer(), state);
        }
        assertThat(Files.readString(saved.resolve(TrainerState.FILE))).contains("\"loss_scaler\"", "\"scale\" : 512.0",
                "\"growth_tracker\" : 1501");
        try (LlamaModel model = TinyLlama.create(rt.newManager(), 11)) {
            ModelReplicas.applyPrecision(model, PrecisionPolicy.fp16());
            LoraModel lora = LoraModel.inject(model.linears(), LORA, model.manager(), 3);
            LoraTrainer resumed = fp16Trainer(model, lora);
            TrainerState state = Checkpoints.load(saved, lora, resumed);
            assertThat(state.lossScaler()).isEqualTo(new LossScaler.State(512f, 1501));
            assertThat(resumed.lossScaler().state()).isEqualTo(new LossScaler.State(512f, 1501));
            assertThat(resumed.optimizer().stepCount()).isEqualTo(1);
        }
    }

    @Test
    void checkpointsWithoutALossScaleLoadAndKeepTheInitialScale() throws Exception {
        Path file = dir.resolve(TrainerState.FILE);
        // trainer_state.json as written before loss scaling existed
        Files.writeString(file, """
                {"global_step": 4, "epoch": 0, "batch_index": 4, "optimizer_step": 4, "seed": 7, "total_steps": 16,
                 "consecutive_nonfinite": 0, "examples": 20, "batch_size": 4}
                """);
        TrainerState old = TrainerState.read(file);
        assertThat(old.lossScaler()).isNull();
        assertThat(old.globalStep()).isEqualTo(4);
        LossScaler scaler = LossScaler.dynamic();
        scaler.restore(old.lossScaler());
        assertThat(scaler.scale()).isEqualTo(LossScaler.INIT_SCALE);

        old.write(file);
        assertThat(Files.readString(file)).doesNotContain("loss_scaler");
        Files.writeString(file, Files.readString(file).replace("\"batch_size\" : 4",
                "\"batch_size\" : 4, \"loss_scaler\": {\"scale\": 0}"));
        assertThatThrownBy(() -> TrainerState.read(file)).hasMessageContaining("growth_tracker");
    }
}
