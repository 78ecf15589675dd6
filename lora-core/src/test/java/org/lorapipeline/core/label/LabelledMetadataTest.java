package org.lorapipeline.core.label;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelledMetadataTest {
    @TempDir
    Path dir;

    @Test
    void generatedRowsStayReplaceableAndOthersAreProtected() throws Exception {
        Files.writeString(dir.resolve("metadata.csv"), "filename,prompt\nold.png,written by a person\n"
                + "gone.png,\"a row, for a file that is missing\"\n");
        LabelledMetadata m = LabelledMetadata.load(dir);
        assertThat(m.editedByHand("old.png")).isTrue(); // never written by the labeller
        assertThat(m.editedByHand("new.png")).isFalse(); // no row at all
        m.putGenerated("new.png", "**cat**, \"quoted\", rain ");
        m.save();

        assertThat(Files.readString(dir.resolve("metadata.csv"))).isEqualTo("filename,prompt\n"
                + "old.png,written by a person\n"
                + "gone.png,\"a row, for a file that is missing\"\n"
                + "new.png,\"**cat**, \"\"quoted\"\", rain\"\n");
        LabelledMetadata again = LabelledMetadata.load(dir);
        assertThat(again.caption("new.png")).contains("**cat**, \"quoted\", rain");
        assertThat(again.editedByHand("new.png")).isFalse();
        assertThat(again.editedByHand("old.png")).isTrue();
        assertThat(Files.readString(dir.resolve(LabelledMetadata.SIDECAR)))
                .contains("\"new.png\" : \"" + LabelledMetadata.hash("**cat**, \"quoted\", rain") + "\"")
                .doesNotContain("old.png");

        Files.writeString(dir.resolve("metadata.csv"), Files.readString(dir.resolve("metadata.csv"))
                .replace("rain\"", "fog\""));
        assertThat(LabelledMetadata.load(dir).editedByHand("new.png")).isTrue();
    }

    @Test
    void refusesToRewriteAFileItCannotReadFaithfully() throws IOException {
        byte[] latin1 = "filename,prompt\na.png,caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
        Files.write(dir.resolve("metadata.csv"), latin1);
        assertThatThrownBy(() -> LabelledMetadata.load(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("metadata.csv:2:").hasMessageContaining("UTF-8");
        Files.writeString(dir.resolve("metadata.csv"), "file_name,text,score\na.png,x,1\n");
        assertThatThrownBy(() -> LabelledMetadata.load(dir)).hasMessageContaining("3 columns");
    }
}
