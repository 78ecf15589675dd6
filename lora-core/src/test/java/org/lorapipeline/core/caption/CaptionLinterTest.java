package org.lorapipeline.core.caption;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipeline.core.caption.CaptionFinding.Code;
import org.lorapipeline.core.clip.ClipTokenizer;
import org.lorapipeline.core.clip.TinyClip;
import org.lorapipeline.core.dataset.Severity;

class CaptionLinterTest {
    @TempDir
    Path dir;

    static void png(Path file) throws Exception {
        Files.createDirectories(file.getParent());
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png", file.toFile());
    }

    @Test
    void cleanDatasetHasNoFindings() throws Exception {
        png(dir.resolve("a.png"));
        png(dir.resolve("b.png"));
        Files.writeString(dir.resolve("metadata.csv"), "filename,prompt\n"
                + "a.png,**cyberpunk cityscape, ink wash**, neon lights, *moody*\n"
                + "b.png,\"a cat, sitting\"\n");
        assertThat(new CaptionLinter(null).lint(dir)).isEmpty();
    }

    @Test
    void everyProblemIsFoundWithItsLineAndColumn() throws Exception {
        png(dir.resolve("a.png"));
        png(dir.resolve("b.png"));
        png(dir.resolve("c.png"));
        png(dir.resolve("sub/orphan.png"));
        ByteArrayOutputStream csv = new ByteArrayOutputStream();
        csv.writeBytes(("filename,prompt\n"
                + "a.png,**unclosed core, rain\n"          // line 2: '**' at caption column 1 -> file column 7
                + "b.png,****, rain\n"                     // line 3: empty core group
                + "c.png,cat, rain, Cat, *rain*\n"         // line 4: two duplicates
                + "gone.png,a dog\n"                       // line 5: file missing
                + "c.png,caf").getBytes(StandardCharsets.UTF_8));
        csv.writeBytes(new byte[] {(byte) 0xE9, '\n'});    // line 6: Latin-1 e-acute
        Files.write(dir.resolve("metadata.csv"), csv.toByteArray());

        List<CaptionFinding> f = new CaptionLinter(null).lint(dir);
        assertThat(f).extracting(CaptionFinding::toString).anyMatch(s -> s.startsWith("metadata.csv:2:7: error: "));
        assertThat(byCode(f, Code.MARKUP)).extracting(CaptionFinding::line).containsExactly(2, 3);
        assertThat(byCode(f, Code.MARKUP).get(1).message()).contains("empty");
        assertThat(byCode(f, Code.DUPLICATE_TAG)).extracting(CaptionFinding::column).containsExactly(18, 24);
        assertThat(byCode(f, Code.DUPLICATE_TAG).get(0).message()).contains("'cat'", "column 7");
        assertThat(byCode(f, Code.FILE_MISSING)).singleElement().satisfies(x -> {
            assertThat(x.line()).isEqualTo(5);
            assertThat(x.column()).isEqualTo(1);
            assertThat(x.severity()).isEqualTo(Severity.ERROR);
        });
        assertThat(byCode(f, Code.NOT_UTF8)).singleElement().satisfies(x -> {
            assertThat(x.line()).isEqualTo(6);
            assertThat(x.column()).isEqualTo(10);
        });
        assertThat(byCode(f, Code.DUPLICATE_ROW)).extracting(CaptionFinding::line).containsExactly(6);
        assertThat(byCode(f, Code.NO_ROW)).extracting(CaptionFinding::file).containsExactly("sub/orphan.png");
        assertThat(byCode(f, Code.TOO_LONG)).isEmpty();
    }

    @Test
    void lengthIsCheckedOnlyWithATokenizerAndIgnoresMarkers() throws Exception {
        Path clip = dir.resolve("clip");
        TinyClip.write(clip, 1);
        ClipTokenizer tok = ClipTokenizer.load(clip);
        CaptionLinter linter = new CaptionLinter(tok);
        assertThat(linter.checksLength()).isTrue();
        StringBuilder caption = new StringBuilder("**a**");
        while (tok.countTokens(caption.toString().replace("*", "")) <= CaptionLinter.MAX_CONTENT_TOKENS) {
            caption.append(", zq");
        }
        String longCaption = caption.toString();
        // the duplicates are intended here; only the length finding matters
        assertThat(linter.lintCaption(longCaption, 2, 7)).filteredOn(x -> x.code() == Code.TOO_LONG)
                .singleElement().satisfies(x -> assertThat(x.message())
                        .contains(tok.countTokens(longCaption.replace("*", "")) + " CLIP tokens"));
        String fits = longCaption.substring(0, longCaption.lastIndexOf(','));
        assertThat(linter.lintCaption(fits, 2, 7)).noneMatch(x -> x.code() == Code.TOO_LONG);
        assertThat(new CaptionLinter(null).lintCaption(longCaption, 2, 7)).noneMatch(x -> x.code() == Code.TOO_LONG);
    }

    @Test
    void missingMetadataIsOneError() throws Exception {
        png(dir.resolve("a.png"));
        assertThat(new CaptionLinter(null).lint(dir)).singleElement()
                .satisfies(x -> assertThat(x.code()).isEqualTo(Code.NO_METADATA));
    }

    private static List<CaptionFinding> byCode(List<CaptionFinding> all, Code code) {
        return all.stream().filter(x -> x.code() == code).toList();
    }
}
