package org.lorapipeline.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.lorapipeline.core.engine.TorchRuntime;
import org.lorapipeline.core.llama.LlamaModel;
import org.lorapipeline.core.llama.TinyLlama;
import org.lorapipeline.core.lora.LoraConfig;
import org.lorapipeline.core.lora.LoraModel;

/**
 * A training loop that grows in memory is a bug: after a warm-up, a few hundred more steps must not add NDArrays
 * and must not grow the process's resident memory beyond a generous bound. The bound leaves room for the JVM
 * touching more of its heap (about 60 MiB seen here); one step's activations and graph are about 0.8 MiB, so a
 * loop that leaked them would grow by about 170 MiB over 200 steps.
 */
class MemoryFlatnessTest {
    static long rssKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    @Test
    void rssAndLiveArraysStayFlatOverHundredsOfSteps() throws IOException {
        try (LlamaModel model = TinyLlama.create(TorchRuntime.open("cpu").newManager(), 2)) {
            LoraModel lora = LoraModel.inject(model.linears(), new LoraConfig(4, 8, 0.1,
                    List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"), false),
                    model.manager(), 1);
            LoraTrainer trainer = new LoraTrainer(model, lora, TrainOptions.defaults(3));
            SplittableRandom rng = new SplittableRandom(4);
            long[][] ids = new long[2][64];
            for (long[] row : ids) {
                for (int t = 0; t < row.length; t++) {
                    row[t] = rng.nextInt(50);
                }
            }
            List<Batch> step = List.of(Batch.languageModelling(ids));
            for (int i = 0; i < 40; i++) {
                trainer.step(step, 1e-3);
            }
            int arrays = model.manager().getManagedArrays().size();
            long rss = rssKib();
            for (int i = 0; i < 200; i++) {
                trainer.step(step, 1e-3);
            }
            assertThat(model.manager().getManagedArrays().size()).isEqualTo(arrays);
            if (rss > 0) {
                assertThat(rssKib() - rss).as("RSS growth in KiB over 200 steps").isLessThan(96 * 1024);
            }
        }
    }
}
