package org.lorapipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipeline.core.config.ConfigTemplates;
import picocli.CommandLine;

class TrainCommandsTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    static Run lora(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Lora.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void initWritesTheTemplateOnceAndRefusesToOverwrite() throws Exception {
        Run r = lora("init", "llm", dir.toString());
        assertThat(r.code()).isZero();
        assertThat(Files.readString(dir.resolve("lora_default.yaml"))).isEqualTo(ConfigTemplates.text("llm"));
        Run again = lora("init", "sd", dir.toString());
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.err()).contains("already exists");
        assertThat(Files.readString(dir.resolve("lora_default.yaml"))).isEqualTo(ConfigTemplates.text("llm"));
        assertThat(lora("init", "gpt", dir.resolve("x").toString()).err()).contains("unknown template 'gpt'");
    }

    @Test
    void tinyModelThenTrainFromYaml() throws Exception {
        Path model = dir.resolve("tiny");
        Run made = lora("tiny-model", "--arch", "llama", "--out", model.toString());
        assertThat(made.code()).as(made.err()).isZero();
        assertThat(made.out()).contains("vocab 512");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            lines.add("{\"text\": \"what about the package " + i + "?\\n\\n### Response:\\nwe send a new one.\"}");
        }
        Files.write(dir.resolve("data.jsonl"), lines);
        String yaml = "base_model: \"" + model + "\"\n"
                + "task_type: \"text-generation\"\n"
                + "train_data_dir: \"" + dir.resolve("data.jsonl") + "\"\n"
                + "max_seq_length: 32\nlora_rank: 4\nlora_alpha: 8\nbatch_size: 4\nmax_steps: 3\n"
                + "learning_rate: 1e-2\nlr_scheduler: \"constant\"\nlog_every_n_steps: 1\ndevice: \"cpu\"\n"
                + "output_dir: \"" + dir.resolve("out") + "\"\nexport_formats: [\"peft\", \"gguf\"]\n";
        Files.writeString(dir.resolve("run.yaml"), yaml);
        Run trained = lora("train", "--config", dir.resolve("run.yaml").toString(), "--no-progress");
        assertThat(trained.code()).as(trained.err()).isZero();
        assertThat(trained.out()).contains("step 3/3").contains("done: 3 steps").contains("gguf: ");
        assertThat(dir.resolve("out/adapter_model.safetensors")).exists();
        assertThat(dir.resolve("out/out.gguf")).exists();
        assertThat(dir.resolve("out/checkpoint-000003")).isDirectory();

        Files.writeString(dir.resolve("bad.yaml"), yaml.replace("lora_rank: 4", "lora_rank: -4"));
        Run bad = lora("train", "--config", dir.resolve("bad.yaml").toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("bad.yaml:5:12").contains("lora_rank");

        Files.writeString(dir.resolve("nodata.yaml"), yaml.replace("data.jsonl", "missing.jsonl"));
        Run nodata = lora("train", "--config", dir.resolve("nodata.yaml").toString());
        assertThat(nodata.code()).isEqualTo(2);
        assertThat(nodata.err()).contains("train_data_dir").contains("missing.jsonl");
    }

    @Test
    void tinySdModelThenTrainFromTheSdTemplate() throws Exception {
        Path model = dir.resolve("tiny-sd");
        Run made = lora("tiny-model", "--arch", "sd15", "--out", model.toString());
        assertThat(made.code()).as(made.err()).isZero();
        assertThat(model.resolve("tiny-sd-v1.safetensors")).exists();
        assertThat(model.resolve("diffusers/text_encoder/config.json")).exists();
        assertThat(model.resolve("tokenizer/vocab.json")).exists();
        org.lorapipeline.core.dataset.SampleDatasets.writeImageDataset(dir.resolve("images"), 2, 64, 3);
        assertThat(lora("init", "sd", dir.toString()).code()).isZero();
        // the template with its paths and sizes pointed at the tiny model: every other line stays as written
        String yaml = Files.readString(dir.resolve("lora_default.yaml"))
                .replace("./models/Stable-diffusion/v1-5-pruned.safetensors", model.resolve("tiny-sd-v1.safetensors")
                        .toString())
                .replace("./data/style_train\"", dir.resolve("images") + "\"")
                .replace("./output/my_style_lora\"", dir.resolve("out") + "\"")
                .replace("resolution: 512", "resolution: 64").replace("min_resolution: 512", "min_resolution: 64")
                .replace("min_bucket_reso: 256", "min_bucket_reso: 64").replace("max_bucket_reso: 1024",
                        "max_bucket_reso: 128").replace("epochs: 10", "epochs: 1").replace("device: \"auto\"",
                        "device: \"cpu\"").replace("caption_extension: \".caption\"", "caption_extension: \".txt\"");
        Files.writeString(dir.resolve("sd.yaml"), yaml
                + "metadata_path: \"" + dir.resolve("images/metadata.csv") + "\"\n");
        Run trained = lora("train", "--config", dir.resolve("sd.yaml").toString(), "--no-progress");
        assertThat(trained.code()).as(trained.err()).isZero();
        assertThat(trained.out()).contains("caching latents: 2/2 (2 encoded)").contains("done: 2 steps")
                .contains("kohya: ").contains("<lora:out:0.7>");
        assertThat(dir.resolve("out/out.safetensors")).exists();
    }
}
