package org.lorapipeline.cli;

import java.time.Instant;
import java.util.concurrent.Callable;
import org.lorapipeline.events.TrainingCancelRequested;
import org.lorapipeline.runtime.EventPublisher;
import org.lorapipeline.schemas.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lora cancel RUN}: publishes {@code training.cancel-requested}. The worker training the run stops after its
 * current step, saves and uploads a checkpoint and reports {@code training.failed} with reason {@code cancelled}; a
 * run not started yet fails as cancelled when a worker takes it.
 */
@Command(name = "cancel", description = "Stop a run: it saves a checkpoint and ends as failed (cancelled).")
public final class CancelCommand implements Callable<Integer> {
    @Mixin
    StackOptions stack;

    @Parameters(paramLabel = "RUN", description = "Run id.")
    String runId;

    @Option(names = "--reason", description = "Why, for the run's history.")
    String reason;

    @Override
    public Integer call() {
        try (EventPublisher publisher = EventPublisher.create(stack.serviceConfig("lora-cli"))) {
            publisher.publish(Topics.TRAINING_CANCEL_REQUESTED, TrainingCancelRequested.newBuilder()
                    .setEventId(DatasetPusher.newId("cancel")).setRunId(runId).setOccurredAt(Instant.now())
                    .setRequestedBy(System.getProperty("user.name")).setReason(reason).build());
        }
        System.out.println("cancel requested for run " + runId + "; follow it with: bin/lora watch " + runId);
        return 0;
    }
}
