package org.lorapipeline.core.config;

import java.nio.file.Path;

/**
 * Which model is trained.
 *
 * @param modelType     {@code model_type}; {@code auto} lets the model loader read the architecture
 * @param baseModel     {@code base_model}: checkpoint file or folder, relative to the working directory
 * @param taskType      {@code task_type}; decides the {@link ModelFamily}
 * @param tokenizerPath {@code tokenizer_path}, or null to use the tokenizer next to / inside the base model
 */
public record ModelSection(ModelType modelType, Path baseModel, TaskType taskType, Path tokenizerPath) {
    public ModelSection {
        ConfigKeys.MODEL_TYPE.require(modelType);
        ConfigKeys.BASE_MODEL.require(baseModel);
        ConfigKeys.TASK_TYPE.require(taskType);
        if (modelType.family() != null && modelType.family() != taskType.family()) {
            throw new IllegalArgumentException("task_type: " + taskType.yamlName() + " does not fit model_type "
                    + modelType.yamlName());
        }
    }

    public ModelFamily family() {
        return taskType.family();
    }
}
