package org.lorapipeline.core.tensorboard;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads TensorBoard event files back: TFRecord framing with both checksums verified, events decoded. A record
 * cut short at the end of the file (a writer still appending) ends the read quietly; a checksum mismatch is
 * corruption and throws {@link TfRecord.CorruptRecordException}.
 */
public final class EventFileReader {
    private EventFileReader() {}

    /** One scalar point of a tag. */
    public record ScalarPoint(long step, double wallTime, double value) {}

    public static List<Event> read(Path file) throws IOException {
        List<Event> events = new ArrayList<>();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            for (long i = 0; ; i++) {
                byte[] data = TfRecord.read(in, file.toString(), i);
                if (data == null) {
                    return events;
                }
                try {
                    events.add(EventCodec.decode(data));
                } catch (IllegalArgumentException e) {
                    throw new TfRecord.CorruptRecordException(file + ": record " + i + " is not a valid Event ("
                            + e.getMessage() + ")");
                }
            }
        }
    }

    /** Event files of a log directory (names containing "tfevents"), oldest name first. */
    public static List<Path> eventFiles(Path logdir) {
        try (Stream<Path> s = Files.list(logdir)) {
            return s.filter(p -> p.getFileName().toString().contains("tfevents")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + logdir, e);
        }
    }

    /** Scalars of every event file in {@code logdir}, by tag, in file then record order. */
    public static Map<String, List<ScalarPoint>> scalars(Path logdir) throws IOException {
        Map<String, List<ScalarPoint>> out = new LinkedHashMap<>();
        for (Path f : eventFiles(logdir)) {
            for (Event e : read(f)) {
                for (SummaryValue v : e.values()) {
                    v.scalar().ifPresent(x -> out.computeIfAbsent(v.tag(), t -> new ArrayList<>())
                            .add(new ScalarPoint(e.step(), e.wallTime(), x)));
                }
            }
        }
        return out;
    }
}
