package org.lorapipeline.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.lorapipeline.core.config.ExportFormat;

class ExportPlanTest {
    @Test
    void llamaFormatsAreKeptInRequestOrderAndSdFormatsAreSkippedWithAReason() {
        ExportPlan plan = ExportPlan.of("llama", List.of("gguf", "kohya", "peft", "GGUF", "onnx"));
        assertThat(plan.formats()).containsExactly(ExportFormat.GGUF, ExportFormat.PEFT);
        assertThat(plan.skipped()).containsOnlyKeys("kohya", "onnx");
        assertThat(plan.skipped().get("kohya")).contains("does not apply to llama").contains("peft, gguf, merged");
        assertThat(plan.skipped().get("onnx")).contains("unknown format");
    }

    @Test
    void sdModelsExportKohyaAndDiffusersOnly() {
        ExportPlan plan = ExportPlan.of("sd15", List.of("diffusers", "merged", "kohya"));
        assertThat(plan.formats()).containsExactly(ExportFormat.DIFFUSERS, ExportFormat.KOHYA);
        assertThat(plan.skipped()).containsOnlyKeys("merged");
    }

    @Test
    void sdxlDiffusersIsSkippedPointingAtTheKohyaFile() {
        ExportPlan plan = ExportPlan.of("SDXL", List.of("diffusers", "kohya"));
        assertThat(plan.modelType()).isEqualTo("sdxl");
        assertThat(plan.formats()).containsExactly(ExportFormat.KOHYA);
        assertThat(plan.skipped().get("diffusers")).contains("load_lora_weights");
    }

    @Test
    void noRequestedFormatMeansTheAdaptersOwnFormat() {
        assertThat(ExportPlan.of("llama", List.of()).formats()).containsExactly(ExportFormat.PEFT);
        assertThat(ExportPlan.of("sd15", List.of()).formats()).containsExactly(ExportFormat.KOHYA);
    }

    @Test
    void unknownModelTypeIsRefused() {
        assertThatThrownBy(() -> ExportPlan.of("flux", List.of("kohya")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("flux").hasMessageContaining("sd15");
    }
}
