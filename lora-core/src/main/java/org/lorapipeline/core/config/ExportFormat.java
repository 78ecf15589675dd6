package org.lorapipeline.core.config;

/** {@code export_formats}: which files the export step writes. */
public enum ExportFormat implements YamlNamed {
    PEFT("peft"),
    GGUF("gguf"),
    MERGED("merged"),
    KOHYA("kohya"),
    DIFFUSERS("diffusers");

    private final String yamlName;

    ExportFormat(String yamlName) {
        this.yamlName = yamlName;
    }

    @Override
    public String yamlName() {
        return yamlName;
    }
}
