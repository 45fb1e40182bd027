package io.lightmem.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Evidence ids as LoCoMo and REALTALK write them. */
class LocomoDataTest {

    static final Set<String> KNOWN = Set.of("D8:6", "D9:17", "D11:26", "D30:5", "D12:3", "D12:4", "D12:5",
            "D13:4", "D14:4");

    @Test
    void packedMalformedRangedAndDottedIdsAreReadAsTheTurnsTheyMean() throws Exception {
        int[] malformed = {0};
        int[] missing = {0};
        Set<String> ids = LocomoData.evidence(new ObjectMapper().readTree(
                "[\"D8:6; D9:17\", \"D:11:26\", \"D30:05\", \"D12:3-D12:5\", \"D13:4. D14:4\", \"D2:7\", \"see above\"]"),
                KNOWN, malformed, missing);

        assertThat(ids).containsExactly("D8:6", "D9:17", "D11:26", "D30:5", "D12:3", "D12:4", "D12:5", "D13:4",
                "D14:4");
        assertThat(missing[0]).as("D2:7 is no turn of the conversation").isEqualTo(1);
        assertThat(malformed[0]).as("'see' and 'above'").isEqualTo(2);
    }

    @Test
    void aRangeIsWithinOneSession() {
        assertThat(LocomoData.expand("D12:3-5")).containsExactly("D12:3", "D12:4", "D12:5");
        assertThat(LocomoData.expand("D12:3-D13:1")).isEmpty();
    }

    @Test
    void theQuestionsAreAskedAtTheLastSessionInTheServicesZone() {
        LocomoData.Conversation c = new LocomoData.Conversation("conv-1", "Ann", java.util.List.of(
                new LocomoData.Session(1, "2023-05-08T13:56", java.util.List.of()),
                new LocomoData.Session(2, "2023-10-22T09:55", java.util.List.of())), java.util.List.of(),
                java.util.List.of());

        assertThat(LocomoBench.askedAt(c, java.time.ZoneOffset.UTC))
                .isEqualTo(java.time.Instant.parse("2023-10-22T09:55:00Z"));
    }
}
