package org.lorapipeline.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated test class against a real Kafka broker and a real S3 server, and injects {@link TestStack} or
 * {@link org.lorapipeline.infra.StackEndpoints} into constructors, lifecycle methods and test methods.
 *
 * <p>By default all {@code @RealStack} classes of a test JVM share one stack, started on first use and stopped when
 * the test run ends: each start costs seconds, and unique ids keep tests apart. {@code isolated = true} gives the
 * class its own stack, stopped after the class, for tests that restart or break things.
 *
 * <p>{@code -Dlora.stack=embedded} (default) runs the stack in the test JVM; {@code -Dlora.stack=testcontainers}
 * runs Kafka and MinIO in Docker.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(RealStackExtension.class)
public @interface RealStack {
    /** Give this class its own stack instead of the one shared by the JVM. */
    boolean isolated() default false;
}
