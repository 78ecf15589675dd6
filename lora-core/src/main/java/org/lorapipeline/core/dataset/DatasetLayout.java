package org.lorapipeline.core.dataset;

/** The on-disk convention a dataset follows, detected by {@link DatasetInspector}. */
public enum DatasetLayout {
    /** Seed convention: images plus {@code metadata.csv} with header {@code filename,prompt}. */
    SEED_METADATA_CSV(DatasetKind.IMAGE),
    /** Hugging Face imagefolder: {@code metadata.jsonl} (or {@code metadata.csv}) with a {@code file_name} column. */
    HF_IMAGEFOLDER(DatasetKind.IMAGE),
    /** kohya-ss: {@code <repeats>_<name>/} folders with same-stem {@code .caption}/{@code .txt} files. */
    KOHYA_FOLDERS(DatasetKind.IMAGE),
    /** Images with optional same-stem caption files and no metadata file (repeats 1). */
    IMAGE_FOLDER(DatasetKind.IMAGE),
    /** JSONL of {@code {"text": ...}} records (pre-training / seed form, may contain {@code ### Response:}). */
    TEXT_JSONL(DatasetKind.TEXT),
    /** JSONL of alpaca records: {@code instruction}, {@code input}, {@code output}, optional {@code system}, {@code history}. */
    ALPACA_JSONL(DatasetKind.TEXT),
    /** Nothing usable was found. */
    UNKNOWN(DatasetKind.IMAGE);

    private final DatasetKind kind;

    DatasetLayout(DatasetKind kind) {
        this.kind = kind;
    }

    public DatasetKind kind() {
        return kind;
    }
}
