package org.lorapipeline.core.run;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.lorapipeline.core.engine.PrecisionPolicy;
import org.lorapipeline.core.engine.TorchRuntime;
import org.lorapipeline.core.llama.LlamaCheckpoint;
import org.lorapipeline.core.llama.LlamaModel;
import org.lorapipeline.core.lora.LoraConfig;
import org.lorapipeline.core.lora.LoraModel;
import org.lorapipeline.core.train.DataParallel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model copies of a run: replica 0 (the caller's model and adapters, the ones checkpoints and exports see) plus
 * one more copy of the base checkpoint per extra data-parallel GPU, each with the precision policy applied and
 * the same LoRA injected (its values are then copied from replica 0). Closing closes the extra copies only.
 */
final class ModelReplicas implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ModelReplicas.class);

    private final List<LlamaModel> extra;
    private final DataParallel parallel;

    private ModelReplicas(List<LlamaModel> extra, DataParallel parallel) {
        this.extra = extra;
        this.parallel = parallel;
    }

    /** Stores the base projections of {@code model} as the policy says (fp16 halves their memory). */
    static void applyPrecision(LlamaModel model, PrecisionPolicy policy) {
        model.linears().values().forEach(l -> l.storeWeightAs(policy.baseWeights()));
    }

    /**
     * @param primary  replica 0, already on {@code devices.get(0)} with the policy applied and its adapter loaded
     * @param devices  from {@link TorchRuntime#dataParallelDevices}
     */
    static ModelReplicas build(TorchRuntime runtime, Path baseModel, LlamaModel primary, LoraModel primaryLora,
                               List<Device> devices, PrecisionPolicy policy, LoraConfig lora, long seed)
            throws IOException {
        List<LlamaModel> extra = new ArrayList<>();
        List<DataParallel.Replica> replicas = new ArrayList<>();
        replicas.add(new DataParallel.Replica(primary, primaryLora));
        try {
            for (Device d : devices.subList(1, devices.size())) {
                LlamaModel copy = LlamaCheckpoint.load(baseModel, runtime.newManager(d));
                extra.add(copy);
                applyPrecision(copy, policy);
                replicas.add(new DataParallel.Replica(copy, LoraModel.inject(copy.linears(), lora, copy.manager(),
                        seed)));
                log.info("replica {} loaded on {}", replicas.size() - 1, d);
            }
            return new ModelReplicas(extra, DataParallel.of(replicas));
        } catch (IOException | RuntimeException e) {
            extra.forEach(LlamaModel::close);
            throw e;
        }
    }

    DataParallel parallel() {
        return parallel;
    }

    @Override
    public void close() {
        extra.forEach(LlamaModel::close);
    }
}
