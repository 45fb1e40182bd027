package io.lightmem.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lightmem.bench.RecallMetrics.Hit;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The benchmark's metric code on hand-made cases whose recall is known. */
class RecallMetricsTest {

    @Test
    void anyAndAllRecallAtEachK() {
        RecallMetrics metrics = new RecallMetrics();
        // Question 1 (category 4): evidence D1:1 at rank 2.
        metrics.add("4", Set.of("D1:1"), List.of(hit(10, "D9:9"), hit(20, "D1:1"), hit(30, "D2:2")));
        // Question 2 (category 1): evidence D1:1 + D3:3; D3:3 at rank 1, D1:1 at rank 4.
        metrics.add("1", Set.of("D1:1", "D3:3"), List.of(hit(5, "D3:3"), hit(5, "D7:7"), hit(5, "D8:8"), hit(5, "D1:1")));

        assertThat(metrics.count("all")).isEqualTo(2);
        assertThat(metrics.recallAny("all", 1)).isEqualTo(0.5);  // only question 2 hits at rank 1
        assertThat(metrics.recallAny("all", 3)).isEqualTo(1.0);
        assertThat(metrics.recallAll("all", 3)).isEqualTo(0.5);  // question 2 misses D1:1 until rank 4
        assertThat(metrics.recallAll("all", 5)).isEqualTo(1.0);
        assertThat(metrics.recallAll("1", 3)).isEqualTo(0.0);
        assertThat(metrics.recallAny("4", 1)).isEqualTo(0.0);
        // Tokens: question 1 has 10 | 60 | 60; question 2 has 5 | 15 | 20.
        assertThat(metrics.meanTokens("all", 1)).isCloseTo(7.5, within(1e-9));
        assertThat(metrics.meanTokens("all", 3)).isCloseTo(37.5, within(1e-9));
        assertThat(metrics.meanTokens("all", 50)).isCloseTo(40.0, within(1e-9));
        assertThat(metrics.groups()).containsExactly("1", "4", "all");
    }

    @Test
    void aMemoryCoveringSeveralTurnsCountsForEachOfThem() {
        RecallMetrics metrics = new RecallMetrics();
        metrics.add("1", Set.of("D1:1", "D1:2"), List.of(hit(3, "D1:1", "D1:2")));

        assertThat(metrics.recallAll("all", 1)).isEqualTo(1.0);
    }

    @Test
    void evidenceIsSplitNormalisedAndCheckedAgainstTheConversation() throws Exception {
        int[] malformed = {0};
        int[] missing = {0};
        Set<String> known = Set.of("D8:6", "D9:17", "D11:26", "D30:5");

        Set<String> ids = LocomoData.evidence(new ObjectMapper().readTree("[\"D8:6; D9:17\", \"D:11:26\", \"D30:05\", \"D\", \"D99:1\"]"),
                known, malformed, missing);

        assertThat(ids).containsExactly("D8:6", "D9:17", "D11:26", "D30:5");
        assertThat(malformed[0]).isEqualTo(1);
        assertThat(missing[0]).isEqualTo(1);
    }

    private static Hit hit(int tokens, String... turns) {
        return new Hit(Set.of(turns), tokens);
    }
}
