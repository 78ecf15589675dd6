package org.lorapipeline.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class TorchRuntimeTest {

    @Test
    void parsesDeviceSpecs() {
        assertThat(DeviceSpec.parse(null)).isEqualTo(DeviceSpec.auto());
        assertThat(DeviceSpec.parse(" CPU ")).isEqualTo(DeviceSpec.cpu());
        assertThat(DeviceSpec.parse("cuda:1")).isEqualTo(new DeviceSpec(DeviceSpec.Kind.CUDA, 1));
        assertThat(DeviceSpec.parse("gpu:0").toString()).isEqualTo("cuda:0");
        assertThat(DeviceSpec.parse("cuda")).isEqualTo(new DeviceSpec(DeviceSpec.Kind.CUDA, 0));
        assertThatThrownBy(() -> DeviceSpec.parse("tpu")).hasMessageContaining("auto, cpu, cuda:N");
        assertThatThrownBy(() -> DeviceSpec.parse("cuda:x")).hasMessageContaining("'cuda:x'");
    }

    @Test
    void autoFallsBackToCpuAndMissingGpuIsAClearError() {
        assertThat(TorchRuntime.choose(DeviceSpec.auto(), 0)).isEqualTo(Device.cpu());
        assertThat(TorchRuntime.choose(DeviceSpec.auto(), 2)).isEqualTo(Device.gpu(0));
        assertThat(TorchRuntime.choose(DeviceSpec.parse("cuda:1"), 2)).isEqualTo(Device.gpu(1));
        assertThatThrownBy(() -> TorchRuntime.choose(DeviceSpec.parse("cuda:2"), 2))
                .hasMessageContaining("cuda:2").hasMessageContaining("sees 2 GPU(s)");
    }

    @Test
    void dataParallelDevicesAreConsecutiveGpusOrTheCpuAlone() {
        assertThat(TorchRuntime.dataParallelDevices(Device.cpu(), 4, 0)).containsExactly(Device.cpu());
        assertThat(TorchRuntime.dataParallelDevices(Device.gpu(0), 1, 2)).containsExactly(Device.gpu(0));
        assertThat(TorchRuntime.dataParallelDevices(Device.gpu(1), 3, 4))
                .containsExactly(Device.gpu(1), Device.gpu(2), Device.gpu(3));
        assertThatThrownBy(() -> TorchRuntime.dataParallelDevices(Device.gpu(1), 2, 2))
                .hasMessageStartingWith("num_gpus: 2 GPUs from gpu(1)").hasMessageContaining("sees 2 GPU(s)");
        assertThatThrownBy(() -> TorchRuntime.dataParallelDevices(Device.cpu(), 0, 0)).hasMessageContaining("num_gpus");
    }

    @Test
    void opensOfflineOnCpuAndComputes() {
        TorchRuntime rt = TorchRuntime.open("cpu");
        assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
        assertThat(System.getProperty("OPT_OUT_TRACKING")).isEqualTo("true");
        assertThat(rt.device()).isEqualTo(Device.cpu());
        assertThat(rt.engine().getEngineName()).isEqualTo("PyTorch");
        assertThat(rt.freeMemoryBytes()).isPresent();
        assertThat(rt.freeMemoryBytes().getAsLong()).isPositive();
        try (NDManager m = rt.newManager()) {
            NDArray a = Tensors.create(m, new float[] {1, 2, 3, 4}, 2, 2);
            assertThat(a.matMul(a).toFloatArray()).containsExactly(7, 10, 15, 22);
        }
    }
}
