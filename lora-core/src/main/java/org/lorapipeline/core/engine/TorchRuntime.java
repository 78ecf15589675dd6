package org.lorapipeline.core.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.util.Utils;
import ai.djl.util.cuda.CudaUtils;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that starts DJL's PyTorch engine: offline (never downloads natives, never phones home), with the
 * natives from the {@code pytorch-native-*} jar on the classpath, on the device the user asked for.
 *
 * <p>Everything else in lora-core gets its {@link NDManager}s from here so that the device choice is made once.
 */
public final class TorchRuntime {
    private static final Logger log = LoggerFactory.getLogger(TorchRuntime.class);

    static final String ENGINE = "PyTorch";
    /** Marker file inside every DJL {@code pytorch-native-*} jar. */
    static final String NATIVE_MARKER = "native/lib/pytorch.properties";
    /** Marker file inside DJL's {@code pytorch-jni} jar. */
    static final String JNI_MARKER = "jnilib/pytorch.properties";

    private final Engine engine;
    private final Device device;

    private TorchRuntime(Engine engine, Device device) {
        this.engine = engine;
        this.device = device;
    }

    /**
     * Configures DJL for offline use, loads the PyTorch engine and picks the device.
     *
     * @param spec {@code auto} takes GPU 0 when the engine sees a GPU, else the CPU
     * @throws IllegalStateException when the natives are missing, the environment forces online mode, or the asked
     *                               GPU does not exist; the message says what to change
     */
    public static TorchRuntime open(DeviceSpec spec) {
        configureOffline();
        requireNatives();
        Engine engine;
        try {
            engine = Engine.getEngine(ENGINE);
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            throw new IllegalStateException("could not load the PyTorch engine offline (" + e.getMessage() + "). Check"
                    + " that pytorch-native-cpu (or a pytorch-native-cu* jar matching your CUDA) and pytorch-jni of"
                    + " the same PyTorch version are on the classpath, or set PYTORCH_LIBRARY_PATH", e);
        }
        Device device = choose(spec, engine.getGpuCount());
        // PyTorch's grad mode is per thread and on by default; DJL switches it off only on the thread that loaded
        // the engine. Without this, a run on any other thread (a service's handler thread, a second worker) fails
        // in the optimizer's in-place update of a leaf that requires grad.
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        TorchRuntime rt = new TorchRuntime(engine, device);
        log.info("DJL {} engine {} on {} ({} GPU(s) visible); free memory {}", Engine.getDjlVersion(),
                engine.getVersion(), device, engine.getGpuCount(), rt.freeMemoryBytes().stream()
                        .mapToObj(b -> (b >> 20) + " MiB").findFirst().orElse("unknown"));
        return rt;
    }

    /** Shorthand for {@code open(DeviceSpec.parse(text))}. */
    public static TorchRuntime open(String deviceText) {
        return open(DeviceSpec.parse(deviceText));
    }

    /** Sets DJL's offline switches before the engine loads and checks that the environment does not undo them. */
    static void configureOffline() {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        // DJL reads the environment variable before the property, so an exported DJL_OFFLINE=false would win.
        if (!Utils.isOfflineMode()) {
            throw new IllegalStateException("DJL_OFFLINE=" + System.getenv("DJL_OFFLINE") + " in the environment turns"
                    + " on downloads; unset it or set DJL_OFFLINE=true (this tool never downloads natives or models)");
        }
    }

    private static void requireNatives() {
        ClassLoader cl = TorchRuntime.class.getClassLoader();
        boolean hasLibraryPath = System.getenv("PYTORCH_LIBRARY_PATH") != null;
        if (cl.getResource(JNI_MARKER) == null) {
            throw new IllegalStateException("DJL pytorch-jni is not on the classpath (" + JNI_MARKER + " missing); add"
                    + " ai.djl.pytorch:pytorch-jni matching the PyTorch native version");
        }
        if (!hasLibraryPath && cl.getResource(NATIVE_MARKER) == null) {
            throw new IllegalStateException("PyTorch native libraries are not on the classpath (" + NATIVE_MARKER
                    + " missing) and PYTORCH_LIBRARY_PATH is not set; add ai.djl.pytorch:pytorch-native-cpu with"
                    + " classifier linux-x86_64 (or a pytorch-native-cu* jar), since offline mode cannot download them");
        }
    }

    static Device choose(DeviceSpec spec, int gpuCount) {
        return switch (spec.kind()) {
            case CPU -> Device.cpu();
            case AUTO -> {
                if (gpuCount > 0) {
                    yield Device.gpu(0);
                }
                log.info("device auto: no GPU visible to PyTorch, using the CPU");
                yield Device.cpu();
            }
            case CUDA -> {
                if (spec.index() >= gpuCount) {
                    throw new IllegalStateException("device " + spec + " requested but PyTorch sees " + gpuCount
                            + " GPU(s); use device: cpu or auto, or put a CUDA pytorch-native jar on the classpath");
                }
                yield Device.gpu(spec.index());
            }
        };
    }

    public Engine engine() {
        return engine;
    }

    public Device device() {
        return device;
    }

    public boolean onGpu() {
        return device.isGpu();
    }

    /** A new root manager on the chosen device; the caller closes it. */
    public NDManager newManager() {
        return NDManager.newBaseManager(device, ENGINE);
    }

    /** A new root manager on {@code other} (a data-parallel replica's GPU); the caller closes it. */
    public NDManager newManager(Device other) {
        return NDManager.newBaseManager(other, ENGINE);
    }

    /**
     * The devices of a data-parallel run: {@code numGpus} GPUs from the chosen device's index on, or the CPU alone
     * (a CPU run is single-device whatever {@code numGpus} says, and logs it).
     *
     * @throws IllegalArgumentException naming {@code num_gpus} when fewer GPUs are visible than asked for
     */
    public List<Device> dataParallelDevices(int numGpus) {
        return dataParallelDevices(device, numGpus, engine.getGpuCount());
    }

    static List<Device> dataParallelDevices(Device first, int numGpus, int gpuCount) {
        if (numGpus < 1) {
            throw new IllegalArgumentException("num_gpus must be >= 1, got " + numGpus);
        }
        if (!first.isGpu()) {
            if (numGpus > 1) {
                log.info("num_gpus {} ignored: running on {}, single device (data parallel needs CUDA GPUs)",
                        numGpus, first);
            }
            return List.of(first);
        }
        int start = first.getDeviceId();
        if (start + numGpus > gpuCount) {
            throw new IllegalArgumentException("num_gpus: " + numGpus + " GPUs from " + first + " need cuda:" + start
                    + "..cuda:" + (start + numGpus - 1) + " but PyTorch sees " + gpuCount + " GPU(s); lower num_gpus"
                    + " or pick another device");
        }
        List<Device> out = new ArrayList<>();
        for (int i = 0; i < numGpus; i++) {
            out.add(Device.gpu(start + i));
        }
        if (numGpus > 1) {
            log.info("data parallel over {} GPUs: {}", numGpus, out);
        }
        return out;
    }

    /** Seeds PyTorch's generator (dropout masks, random arrays) for reproducible runs. */
    public void seed(long seed) {
        engine.setRandomSeed((int) (seed ^ (seed >>> 32)));
    }

    /**
     * Free memory on the device: GPU memory from the CUDA driver, or for the CPU the physical memory the OS reports
     * free; empty when unknown.
     */
    public OptionalLong freeMemoryBytes() {
        try {
            if (device.isGpu()) {
                MemoryUsage mu = CudaUtils.getGpuMemory(device);
                return OptionalLong.of(mu.getMax() - mu.getUsed());
            }
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                return OptionalLong.of(os.getFreeMemorySize());
            }
        } catch (RuntimeException e) {
            log.debug("free memory not available on {}", device, e);
        }
        return OptionalLong.empty();
    }

    @Override
    public String toString() {
        return ENGINE + " " + engine.getVersion() + " on " + device;
    }
}
