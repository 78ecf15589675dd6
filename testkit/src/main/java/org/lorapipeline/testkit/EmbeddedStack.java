package org.lorapipeline.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.lorapipeline.infra.DevStack;
import org.lorapipeline.infra.DevStackOptions;
import org.lorapipeline.infra.StackEndpoints;

/** A {@link DevStack} on random ports in a fresh temporary folder that is deleted on close. */
final class EmbeddedStack implements RunningStack {
    private final DevStack stack;
    private final Path dir;

    private EmbeddedStack(DevStack stack, Path dir) {
        this.stack = stack;
        this.dir = dir;
    }

    static EmbeddedStack start() {
        Path dir;
        try {
            dir = Files.createTempDirectory("lora-stack-");
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a temporary folder for the test stack", e);
        }
        try {
            return new EmbeddedStack(DevStack.start(DevStackOptions.ephemeral(dir)), dir);
        } catch (RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
    }

    @Override
    public StackEndpoints endpoints() {
        return stack.endpoints();
    }

    @Override
    public String kind() {
        return "embedded";
    }

    @Override
    public void close() {
        try {
            stack.close();
        } finally {
            deleteTree(dir);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the test stack folder " + dir, e);
        }
    }
}
