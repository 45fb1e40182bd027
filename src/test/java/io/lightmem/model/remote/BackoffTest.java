package io.lightmem.model.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2));

    @Test
    void doublesFromTheInitialWaitUpToTheMaximum() {
        assertThat(backoff.before(1, 0.5)).isEqualTo(Duration.ofMillis(200));
        assertThat(backoff.before(2, 0.5)).isEqualTo(Duration.ofMillis(400));
        assertThat(backoff.before(3, 0.5)).isEqualTo(Duration.ofMillis(800));
        assertThat(backoff.before(4, 0.5)).isEqualTo(Duration.ofMillis(1600));
        assertThat(backoff.before(5, 0.5)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.before(60, 0.5)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void jitterSpreadsEachWaitByTwentyPercent() {
        assertThat(backoff.before(2, 0.0)).isEqualTo(Duration.ofMillis(320));
        assertThat(backoff.before(2, 0.999999)).isBetween(Duration.ofMillis(479), Duration.ofMillis(480));
    }

    @Test
    void theMaximumCannotBeBelowTheInitialWait() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(3), Duration.ofSeconds(2)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
