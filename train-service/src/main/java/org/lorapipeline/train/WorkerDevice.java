package org.lorapipeline.train;

import java.util.OptionalLong;
import org.lorapipeline.core.engine.TorchRuntime;

/**
 * The device a run trains on, as {@code training.started} reports it: {@code cpu} or {@code cuda:N}, and its free
 * memory (GPU memory from the driver; for the CPU, the physical memory the OS reports free).
 */
record WorkerDevice(String name, Long freeMemoryBytes) {
    static WorkerDevice probe(String deviceYaml) {
        TorchRuntime rt = TorchRuntime.open(deviceYaml);
        OptionalLong free = rt.freeMemoryBytes();
        return new WorkerDevice(rt.onGpu() ? "cuda:" + rt.device().getDeviceId() : "cpu",
                free.isPresent() ? free.getAsLong() : null);
    }
}
