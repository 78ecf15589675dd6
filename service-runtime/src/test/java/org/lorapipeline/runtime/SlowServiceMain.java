package org.lorapipeline.runtime;

import java.time.Duration;
import org.lorapipeline.events.TrainingCancelRequested;
import org.lorapipeline.schemas.TopicSpec;

/**
 * A service process for {@link ServiceProcessIT}: its handler marks the start and the end of its work in S3, with a
 * configurable pause between, so a test can kill or stop the process in the middle of an event.
 */
public final class SlowServiceMain {
    private SlowServiceMain() {}

    public static void main(String[] args) {
        TopicSpec<TrainingCancelRequested> topic = new TopicSpec<>(System.getenv("IT_TOPIC"), TrainingCancelRequested.class, 1,
                Duration.ofDays(1), false, "test topic");
        long pauseMillis = Long.parseLong(System.getenv("IT_HANDLER_MILLIS"));
        ServiceMain.run("slow-service", args, service -> service.consume(topic, (event, ctx) -> {
            String prefix = "it/" + event.getRunId() + "/";
            service.store().putBytes(prefix + "started-" + ctx.workerId(), new byte[0]);
            Thread.sleep(pauseMillis);
            service.store().putBytes(prefix + "done-" + ctx.workerId(), new byte[0]);
        }));
    }
}
