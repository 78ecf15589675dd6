package org.lorapipeline.core.dataset;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.lorapipeline.core.image.PerceptualHash;

/**
 * The content of {@code datasets/<datasetId>/manifest.json}: what training reads instead of re-scanning the upload.
 *
 * <p>JSON field names are part of the contract and never renamed (add fields, bump {@code manifest_version} only
 * for incompatible changes). Top level: {@code manifest_version} (1), {@code kind} (IMAGE|TEXT), {@code layout}
 * ({@link DatasetLayout} name), {@code images}, {@code texts}. Image entries: {@code path} (relative, '/'),
 * {@code sha256}, {@code width}, {@code height}, {@code format}, {@code phash} (16 hex digits), {@code caption}
 * (as written, may be null), {@code caption_source} ({@link CaptionSource} name), {@code text} (caption without
 * markers, what is tokenized), {@code core_tags}, {@code mood_tags}, {@code plain_tags}, {@code repeats}.
 * Text entries: {@code path}, {@code sha256}, {@code bytes}, {@code format} (TEXT|ALPACA), {@code records}.
 * Readers ignore unknown fields so older services read newer manifests.
 */
@JsonPropertyOrder({"manifest_version", "kind", "layout", "images", "texts"})
public record Manifest(@JsonProperty("manifest_version") int manifestVersion,
                       @JsonProperty("kind") DatasetKind kind,
                       @JsonProperty("layout") DatasetLayout layout,
                       @JsonProperty("images") List<Image> images,
                       @JsonProperty("texts") List<Text> texts) {
    public static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public Manifest {
        if (manifestVersion != VERSION) {
            throw new IllegalArgumentException("manifest_version " + manifestVersion + " is not supported (this "
                    + "build reads " + VERSION + "); upgrade the service or re-register the dataset");
        }
        if (kind == null || layout == null) {
            throw new IllegalArgumentException("kind and layout must not be null");
        }
        images = images == null ? List.of() : List.copyOf(images);
        texts = texts == null ? List.of() : List.copyOf(texts);
    }

    @JsonPropertyOrder({"path", "sha256", "width", "height", "format", "phash", "caption", "caption_source", "text",
        "core_tags", "mood_tags", "plain_tags", "repeats"})
    public record Image(@JsonProperty("path") String path,
                        @JsonProperty("sha256") String sha256,
                        @JsonProperty("width") int width,
                        @JsonProperty("height") int height,
                        @JsonProperty("format") String format,
                        @JsonProperty("phash") String phash,
                        @JsonProperty("caption") String caption,
                        @JsonProperty("caption_source") CaptionSource captionSource,
                        @JsonProperty("text") String text,
                        @JsonProperty("core_tags") List<String> coreTags,
                        @JsonProperty("mood_tags") List<String> moodTags,
                        @JsonProperty("plain_tags") List<String> plainTags,
                        @JsonProperty("repeats") int repeats) {
        public Image {
            if (path == null || path.isBlank()) {
                throw new IllegalArgumentException("images[].path must not be blank");
            }
            if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("images[].sha256 of " + path + " must be 64 lower-case hex digits");
            }
            if (width < 1 || height < 1 || repeats < 0) {
                throw new IllegalArgumentException("images[] " + path + ": width/height must be >= 1, repeats >= 0");
            }
            coreTags = coreTags == null ? List.of() : List.copyOf(coreTags);
            moodTags = moodTags == null ? List.of() : List.copyOf(moodTags);
            plainTags = plainTags == null ? List.of() : List.copyOf(plainTags);
            text = text == null ? "" : text;
        }

        static Image of(ImageItem item) {
            return new Image(item.path(), item.sha256(), item.width(), item.height(), item.format(),
                    PerceptualHash.hex(item.phash()), item.caption(), item.captionSource(), item.trainingText(),
                    item.structured().core(), item.structured().mood(), item.structured().plain(), item.repeats());
        }
    }

    @JsonPropertyOrder({"path", "sha256", "bytes", "format", "records"})
    public record Text(@JsonProperty("path") String path,
                       @JsonProperty("sha256") String sha256,
                       @JsonProperty("bytes") long bytes,
                       @JsonProperty("format") TextFormat format,
                       @JsonProperty("records") long records) {
        public Text {
            if (path == null || path.isBlank()) {
                throw new IllegalArgumentException("texts[].path must not be blank");
            }
            if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("texts[].sha256 of " + path + " must be 64 lower-case hex digits");
            }
            if (format == null || records < 0 || bytes < 0) {
                throw new IllegalArgumentException("texts[] " + path + ": format required, bytes/records >= 0");
            }
        }
    }

    /** The manifest of an inspected dataset (its problems are not part of it). */
    public static Manifest of(DatasetReport report) {
        return new Manifest(VERSION, report.kind(), report.layout(),
                report.images().stream().map(Image::of).toList(),
                report.texts().stream().map(t -> new Text(t.path(), t.sha256(), t.bytes(), t.format(), t.records()))
                        .toList());
    }

    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Manifest fromJson(byte[] json) throws IOException {
        try {
            return JSON.readValue(json, Manifest.class);
        } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
            throw new IOException("manifest.json is invalid: " + e.getCause().getMessage(), e);
        }
    }

    public void write(Path file) throws IOException {
        Files.write(file, toJson());
    }

    public static Manifest read(Path file) throws IOException {
        return fromJson(Files.readAllBytes(file));
    }
}
