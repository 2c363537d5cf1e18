package io.rsio.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Marks a test class of the fault-injection and endurance suite: crashes at every step, killed
 * gateways, cut-off clusters, fuzzers, the soak. They take the most time of all (about 11 of
 * the 25 minutes), so {@code scripts/test} (the README's test command) leaves them out and
 * {@code scripts/test-faults} runs them; CI ({@code .ci/run}) runs both. The build's default is
 * in the parent pom ({@code rsio.tests.excluded}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("faults")
@interface FaultSuite {
}
