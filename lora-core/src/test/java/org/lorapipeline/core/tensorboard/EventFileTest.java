package org.lorapipeline.core.tensorboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventFileTest {
    @TempDir
    Path tmp;

    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(1_700_000_000_250L), ZoneOffset.UTC);

    @Test
    void writesNamedFileWithVersionHeaderScalarsAndImages() throws IOException {
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        img.setRGB(1, 1, 0xFF8000);
        Path file;
        try (EventFileWriter w = EventFileWriter.create(tmp, CLOCK)) {
            file = w.file();
            w.addScalar("loss", 0.75, 10);
            w.addScalarTensor("lr", 1e-4, 10);
            w.addImage("sample", img, 20);
            // flushed per event: a reader sees everything before close
            assertThat(EventFileReader.read(file)).hasSize(4);
        }
        assertThat(file.getFileName().toString())
                .matches("events\\.out\\.tfevents\\.1700000000\\.[^.].*\\." + ProcessHandle.current().pid() + "\\.\\d+");

        List<Event> events = EventFileReader.read(file);
        assertThat(events.get(0).fileVersion()).isEqualTo("brain.Event:2");
        assertThat(events.get(0).wallTime()).isEqualTo(1_700_000_000.25);
        assertThat(events.get(1).step()).isEqualTo(10);
        assertThat(events.get(1).values()).containsExactly(SummaryValue.simple("loss", 0.75f));
        SummaryValue lr = events.get(2).values().get(0);
        assertThat(lr.pluginName()).isEqualTo("scalars");
        assertThat(lr.simpleValue()).isNull();
        assertThat(lr.scalar()).hasValue((double) 1e-4f);
        SummaryImage image = events.get(3).values().get(0).image();
        assertThat(image.width()).isEqualTo(3);
        assertThat(image.height()).isEqualTo(2);
        assertThat(image.colorspace()).isEqualTo(3);
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(image.png()));
        assertThat(back.getRGB(1, 1) & 0xFFFFFF).isEqualTo(0xFF8000);

        Map<String, List<EventFileReader.ScalarPoint>> scalars = EventFileReader.scalars(tmp);
        assertThat(scalars.keySet()).containsExactly("loss", "lr");
        assertThat(scalars.get("loss")).containsExactly(new EventFileReader.ScalarPoint(10, 1_700_000_000.25, 0.75));
    }

    @Test
    void twoWritersInOneSecondGetDistinctFiles() {
        try (EventFileWriter a = EventFileWriter.create(tmp, CLOCK); EventFileWriter b = EventFileWriter.create(tmp, CLOCK)) {
            assertThat(a.file()).isNotEqualTo(b.file());
        }
        assertThat(EventFileReader.eventFiles(tmp)).hasSize(2);
    }

    @Test
    void detectsCorruptionAndToleratesATruncatedTail() throws IOException {
        Path file;
        try (EventFileWriter w = EventFileWriter.create(tmp, CLOCK)) {
            w.addScalar("loss", 1.0, 1);
            w.addScalar("loss", 0.5, 2);
            file = w.file();
        }
        byte[] good = Files.readAllBytes(file);

        byte[] cut = Arrays.copyOf(good, good.length - 3);
        Files.write(file, cut);
        assertThat(EventFileReader.read(file)).hasSize(2); // the half-written last event is not returned

        byte[] badData = good.clone();
        badData[good.length - 6] ^= 0x01; // inside the last event's payload
        Files.write(file, badData);
        assertThatThrownBy(() -> EventFileReader.read(file)).isInstanceOf(TfRecord.CorruptRecordException.class)
                .hasMessageContaining("record 2").hasMessageContaining("data checksum");

        byte[] badLength = good.clone();
        badLength[0] ^= 0x01;
        Files.write(file, badLength);
        assertThatThrownBy(() -> EventFileReader.read(file)).isInstanceOf(TfRecord.CorruptRecordException.class)
                .hasMessageContaining("record 0").hasMessageContaining("length checksum");
    }

    @Test
    void closedWriterRefusesEvents() {
        EventFileWriter w = EventFileWriter.create(tmp, CLOCK);
        w.close();
        assertThatThrownBy(() -> w.addScalar("x", 1, 1)).hasMessageContaining("closed");
    }
}
