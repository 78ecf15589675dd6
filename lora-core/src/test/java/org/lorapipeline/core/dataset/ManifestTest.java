package org.lorapipeline.core.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipeline.core.image.PerceptualHash;

class ManifestTest {
    @TempDir
    Path dir;

    @Test
    void imageManifestRoundTripsWithStableFieldNames() throws Exception {
        Path data = dir.resolve("data");
        Fixtures.png(data.resolve("4_cat"), "a.png", 1);
        Fixtures.text(data.resolve("4_cat/a.caption"), "**tabby cat**, sofa, *cozy*");
        DatasetReport report = DatasetInspector.inspect(data, Fixtures.RULES);

        Manifest manifest = Manifest.of(report);
        Path file = dir.resolve("manifest.json");
        manifest.write(file);
        Manifest read = Manifest.read(file);

        assertThat(read).isEqualTo(manifest);
        JsonNode json = new ObjectMapper().readTree(file.toFile());
        assertThat(json.get("manifest_version").asInt()).isEqualTo(1);
        assertThat(json.get("kind").asText()).isEqualTo("IMAGE");
        assertThat(json.get("layout").asText()).isEqualTo("KOHYA_FOLDERS");
        JsonNode image = json.get("images").get(0);
        assertThat(fieldNames(image)).containsExactly("path", "sha256", "width", "height", "format", "phash",
                "caption", "caption_source", "text", "core_tags", "mood_tags", "plain_tags", "repeats");
        ImageItem item = report.images().get(0);
        assertThat(image.get("path").asText()).isEqualTo("4_cat/a.png");
        assertThat(image.get("sha256").asText()).isEqualTo(item.sha256());
        assertThat(image.get("phash").asText()).isEqualTo(PerceptualHash.hex(item.phash()));
        assertThat(image.get("text").asText()).isEqualTo("tabby cat, sofa, cozy");
        assertThat(image.get("core_tags").get(0).asText()).isEqualTo("tabby cat");
        assertThat(image.get("mood_tags").get(0).asText()).isEqualTo("cozy");
        assertThat(image.get("repeats").asInt()).isEqualTo(4);
    }

    @Test
    void textManifestCarriesRecordCounts() throws Exception {
        Path file = dir.resolve("t.jsonl");
        SampleDatasets.writeTextDataset(file, 5, 1);

        Manifest manifest = Manifest.of(DatasetInspector.inspect(file, InspectionRules.defaults()));
        JsonNode json = new ObjectMapper().readTree(manifest.toJson());

        assertThat(fieldNames(json.get("texts").get(0))).containsExactly("path", "sha256", "bytes", "format",
                "records");
        assertThat(json.get("texts").get(0).get("records").asLong()).isEqualTo(5);
        assertThat(json.get("images")).isEmpty();
        assertThat(Manifest.fromJson(manifest.toJson())).isEqualTo(manifest);
    }

    @Test
    void readerIgnoresUnknownFieldsAndRejectsOtherVersions() throws Exception {
        String newer = "{\"manifest_version\":1,\"kind\":\"TEXT\",\"layout\":\"TEXT_JSONL\",\"future\":true,"
                + "\"texts\":[{\"path\":\"a.jsonl\",\"sha256\":\"" + "0".repeat(64) + "\",\"bytes\":3,"
                + "\"format\":\"TEXT\",\"records\":1,\"lang\":\"zh\"}]}";
        assertThat(Manifest.fromJson(newer.getBytes(StandardCharsets.UTF_8)).texts()).singleElement()
                .satisfies(t -> assertThat(t.records()).isEqualTo(1));

        String v2 = "{\"manifest_version\":2,\"kind\":\"TEXT\",\"layout\":\"TEXT_JSONL\"}";
        assertThatThrownBy(() -> Manifest.fromJson(v2.getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("manifest_version 2 is not supported");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
