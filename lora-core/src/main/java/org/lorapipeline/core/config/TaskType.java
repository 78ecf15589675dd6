package org.lorapipeline.core.config;

/** {@code task_type}: what the adapter learns. Decides which model family a config is for. */
public enum TaskType implements YamlNamed {
    TEXT_GENERATION("text-generation"),
    TEXT_TO_IMAGE("text-to-image");

    private final String yamlName;

    TaskType(String yamlName) {
        this.yamlName = yamlName;
    }

    @Override
    public String yamlName() {
        return yamlName;
    }

    public ModelFamily family() {
        return this == TEXT_GENERATION ? ModelFamily.LLM : ModelFamily.SD;
    }
}
