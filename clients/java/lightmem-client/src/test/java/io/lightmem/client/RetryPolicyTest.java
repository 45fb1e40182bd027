package io.lightmem.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The waits between attempts: exponential, capped, spread by the jitter. */
class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(6, Duration.ofMillis(200), Duration.ofSeconds(1), 2.0, 0.2);

    @Test
    void waitsDoubleUpToTheCap() {
        // random 0.5 is the middle of the jitter range: no spread
        assertThat(policy.backoff(1, 0.5)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.backoff(2, 0.5)).isEqualTo(Duration.ofMillis(400));
        assertThat(policy.backoff(3, 0.5)).isEqualTo(Duration.ofMillis(800));
        assertThat(policy.backoff(4, 0.5)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.backoff(30, 0.5)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void jitterSpreadsEachWaitByItsFraction() {
        assertThat(policy.backoff(2, 0.0)).isEqualTo(Duration.ofMillis(320));
        assertThat(policy.backoff(2, 0.999999)).isBetween(Duration.ofMillis(479), Duration.ofMillis(480));
        assertThat(policy.backoff(4, 0.0)).isEqualTo(Duration.ofMillis(800));
    }

    @Test
    void defaultsRideOutARestartOfAFewSeconds() {
        RetryPolicy defaults = RetryPolicy.defaults();
        Duration least = Duration.ZERO;
        for (int failed = 1; failed < defaults.maxAttempts(); failed++) {
            least = least.plus(defaults.backoff(failed, 0.0));
        }
        assertThat(least).isGreaterThan(Duration.ofSeconds(4));
        assertThat(RetryPolicy.none().maxAttempts()).isEqualTo(1);
    }

    @Test
    void nonsenseIsRefused() {
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO, 1, 0))
                .hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> new RetryPolicy(3, Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 0))
                .hasMessageContaining("initialBackoff <= maxBackoff");
        assertThatThrownBy(() -> new RetryPolicy(3, Duration.ZERO, Duration.ZERO, 0.5, 0))
                .hasMessageContaining("multiplier");
        assertThatThrownBy(() -> new RetryPolicy(3, Duration.ZERO, Duration.ZERO, 2, 1.5))
                .hasMessageContaining("jitter");
    }
}
