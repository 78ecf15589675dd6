package org.lorapipeline.train;

import org.lorapipeline.runtime.Service;
import org.lorapipeline.runtime.ServiceMain;
import org.lorapipeline.schemas.Topics;

/**
 * The train-service process. Two roles, both on by default ({@link TrainSettings}):
 * <ul>
 *   <li><b>router</b> (consumer group {@code train-service-router}): {@code captions.ready} → one job on
 *       {@code training.requested.v1}, or on {@code gpu-training.requested.v1} for {@code device: cuda:N} runs;
 *       {@code training.cancel-requested} → the run's cancel marker in S3.</li>
 *   <li><b>worker</b> (consumer group {@code train-service}, or {@code train-service-gpu} for the GPU queue): one run
 *       at a time, see {@link TrainHandler}; every worker also watches all cancel requests ({@link CancelWatch}).</li>
 * </ul>
 * Adding workers adds capacity: each owns some partitions of the jobs topic, so size that topic's partitions
 * (6) to the most workers you will run. A job waits behind the run in progress on its own partition even when
 * another worker is idle; that is the price of using the Kafka group as the only scheduler (no second source of
 * truth for who runs what, no lease renewals), and the reason the partition count should exceed the worker count.
 */
public final class TrainService {
    public static final String NAME = "train-service";

    private TrainService() {}

    public static void main(String[] args) {
        ServiceMain.run(NAME, args, TrainService::wire);
    }

    /** Registers the loops from the process environment; {@code lora up} calls this to run the service in-process. */
    public static void wire(Service service) {
        wire(service, TrainSettings.fromEnvironment(System.getenv()));
    }

    public static void wire(Service service, TrainSettings settings) {
        String group = service.config().defaultGroupId();
        if (settings.router()) {
            RunRouter router = new RunRouter(service.store(), settings);
            service.consume(Topics.CAPTIONS_READY, group + "-router", router::route);
            service.consume(Topics.TRAINING_CANCEL_REQUESTED, group + "-router", router::recordCancel);
        }
        if (settings.worker()) {
            CancelWatch cancels = new CancelWatch(service.config()).start();
            service.closeAfterLoops(cancels);
            service.consume(settings.jobsTopic(), settings.gpuWorker() ? group + "-gpu" : group,
                    new TrainHandler(service.store(), settings, cancels));
        }
    }
}
