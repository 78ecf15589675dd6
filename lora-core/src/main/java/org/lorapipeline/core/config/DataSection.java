package org.lorapipeline.core.config;

import java.nio.file.Path;

/**
 * Where the training data is.
 *
 * @param trainDataDir {@code train_data_dir}: image folder (SD) or folder / JSONL file of text records (LLM)
 * @param metadataPath {@code metadata_path}: optional {@code filename,prompt} CSV for image datasets; null when
 *                     captions come from caption files beside the images
 */
public record DataSection(Path trainDataDir, Path metadataPath) {
    public DataSection {
        ConfigKeys.TRAIN_DATA_DIR.require(trainDataDir);
    }
}
