package org.lorapipeline.core.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes garbage-collection timing bugs show up on every run instead of once in a while: memory that native code
 * still uses but Java no longer references (a DJL from_blob buffer whose array was closed) is freed by the next GC,
 * and {@link #reuseFreedDirectMemory} fills freed native memory with NaN so a later read of it is visible.
 */
public final class GcPressure implements AutoCloseable {
    private static final int REUSE_BUFFERS = 2000;
    private final Thread collector;
    private volatile boolean running = true;

    private GcPressure() {
        collector = new Thread(() -> {
            while (running) {
                System.gc();
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "gc-pressure");
        collector.setDaemon(true);
        collector.start();
    }

    /** Starts a thread that asks for a full GC every 5 ms until {@link #close()}. */
    public static GcPressure start() {
        return new GcPressure();
    }

    /**
     * Collects garbage (so unreachable direct buffers are freed by their cleaners) and then allocates many small
     * direct buffers holding NaN, which the allocator serves from the freed memory.
     *
     * @return the NaN buffers; keep them referenced while the suspect read happens
     */
    public static List<ByteBuffer> reuseFreedDirectMemory() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20); // cleaners run on their own thread
        }
        List<ByteBuffer> out = new ArrayList<>(REUSE_BUFFERS);
        for (int i = 0; i < REUSE_BUFFERS; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
            b.putFloat(0, Float.NaN);
            out.add(b);
        }
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        collector.interrupt();
        collector.join();
    }
}
