package org.lorapipeline.core.tensorboard;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;

/**
 * Appends TensorBoard events to {@code <logdir>/events.out.tfevents.<%010d secs>.<host>.<pid>.<n>} (the name
 * tensorboard's own writer uses; readers only need "tfevents"). The first record is
 * {@code file_version="brain.Event:2"}. Every event is flushed so a running TensorBoard sees it at once.
 * Thread-safe.
 */
public final class EventFileWriter implements AutoCloseable {
    public static final String FILE_VERSION = "brain.Event:2";
    /** Per-process counter, like tensorboard's {@code _global_uid}, so two writers never share a name. */
    private static final AtomicInteger UID = new AtomicInteger();

    private final Path file;
    private final OutputStream out;
    private final Clock clock;
    private boolean closed;

    private EventFileWriter(Path file, OutputStream out, Clock clock) {
        this.file = file;
        this.out = out;
        this.clock = clock;
    }

    public static EventFileWriter create(Path logdir) {
        return create(logdir, Clock.systemUTC());
    }

    public static EventFileWriter create(Path logdir, Clock clock) {
        long secs = clock.millis() / 1000;
        String name = String.format("events.out.tfevents.%010d.%s.%d.%d",
                secs, hostName(), ProcessHandle.current().pid(), UID.getAndIncrement());
        try {
            Files.createDirectories(logdir);
            Path file = logdir.resolve(name);
            OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            EventFileWriter w = new EventFileWriter(file, out, clock);
            w.write(new Event(w.now(), 0, FILE_VERSION, null));
            return w;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create TensorBoard event file in " + logdir, e);
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            String env = System.getenv("HOSTNAME");
            return env == null || env.isBlank() ? "localhost" : env;
        }
    }

    public Path file() {
        return file;
    }

    /** A scalar as {@code simple_value} (what PyTorch's SummaryWriter writes). */
    public void addScalar(String tag, double value, long step) {
        write(Event.summary(now(), step, SummaryValue.simple(tag, (float) value)));
    }

    /** A scalar in the newer tensor form, plugin {@code scalars}. */
    public void addScalarTensor(String tag, double value, long step) {
        write(Event.summary(now(), step, SummaryValue.scalarTensor(tag, (float) value)));
    }

    /** An already-encoded PNG; colorspace 1 gray, 3 RGB, 4 RGBA. */
    public void addImage(String tag, byte[] png, int height, int width, int colorspace, long step) {
        write(Event.summary(now(), step, SummaryValue.image(tag, new SummaryImage(height, width, colorspace, png))));
    }

    /** Encodes the image as PNG; gray, RGB or RGBA by its color model. */
    public void addImage(String tag, BufferedImage image, long step) {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", png)) {
                throw new IllegalArgumentException("no PNG encoder for image type " + image.getType());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode image for tag " + tag, e);
        }
        int colorspace = image.getColorModel().hasAlpha() ? 4
                : image.getColorModel().getNumComponents() == 1 ? 1 : 3;
        addImage(tag, png.toByteArray(), image.getHeight(), image.getWidth(), colorspace, step);
    }

    /** Appends one event and flushes it to the file. */
    public synchronized void write(Event event) {
        if (closed) {
            throw new IllegalStateException("event file " + file + " is closed");
        }
        try {
            TfRecord.write(out, EventCodec.encode(event));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file, e);
        }
    }

    private double now() {
        return clock.millis() / 1000.0;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + file, e);
        }
    }
}
