package io.lightmem.api.funqy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.lightmem.testing.JsonMutations;
import io.lightmem.testing.Rows;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A property of the whole JSON surface (every function over plain HTTP), checked on generated
 * requests (testing.JsonMutations): whatever a client sends, the answer is a success or a 4xx — a
 * 400 names the field at fault — never a 5xx, and a rejected request stores nothing. The requests:
 * every field of every function's request set to each edge value in turn, then {@code tries} random
 * ones (several mutations, byte-level damage). The seed is fixed so CI is repeatable;
 * {@code -Dlightmem.fuzz.seed=N -Dlightmem.fuzz.tries=N} explores further, and a failure prints its
 * seed and the request.
 */
@QuarkusTest
class JsonSurfaceFuzzTest {

    private static final long SEED = Long.getLong("lightmem.fuzz.seed", 20261206L);
    private static final int TRIES = Integer.getInteger("lightmem.fuzz.tries", 300);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URI root;

    @Inject
    AgroalDataSource dataSource;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void everyRequestIsAnsweredWithSuccessOrA4xxNamingTheFieldAndARejectedOneStoresNothing() throws Exception {
        JsonMutations generator = new JsonMutations(new Random(SEED));
        List<JsonMutations.Call> calls = new ArrayList<>(generator.edgeCases());
        for (int i = 0; i < TRIES; i++) {
            calls.add(generator.next());
        }
        List<String> violations = new ArrayList<>();
        for (int i = 0; i < calls.size() && violations.size() < 10; i++) {
            JsonMutations.Call call = calls.get(i);
            long storedBefore = storedRows();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(root.resolve(call.function()))
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(call.body())).build(),
                    HttpResponse.BodyHandlers.ofString());
            String problem = violation(response, storedBefore);
            if (problem != null) {
                violations.add("#" + i + " " + call.function() + " (" + call.how() + ") " + call.bodyPreview() + " -> "
                        + response.statusCode() + " " + problem);
            }
        }
        assertThat(violations).as("seed " + SEED).isEmpty();
    }

    /** What is wrong with this answer, or null. */
    private String violation(HttpResponse<String> response, long storedBefore) throws IOException {
        int status = response.statusCode();
        if (status >= 500) {
            return "a server error: " + abbreviated(response.body());
        }
        if (status < 400) {
            return null;
        }
        JsonNode problem = JSON.readTree(response.body());
        if (status == 400 && (!problem.hasNonNull("field") || problem.get("field").asText().isEmpty())) {
            return "400 without the field: " + abbreviated(response.body());
        }
        long storedAfter = storedRows();
        if (storedAfter != storedBefore) {
            return "rejected, yet " + (storedAfter - storedBefore) + " rows were stored";
        }
        return null;
    }

    /** Every row a call may write, all users together (tests run one at a time). */
    private long storedRows() {
        return Long.parseLong(Rows.strings(dataSource, """
                SELECT (SELECT count(*) FROM message_log) + (SELECT count(*) FROM memory_entry)
                     + (SELECT count(*) FROM memory_history) + (SELECT count(*) FROM consolidation_run)
                     + (SELECT count(*) FROM update_queue) WHERE ? IS NOT NULL""", "x").get(0));
    }

    private static String abbreviated(String body) {
        return body.length() > 300 ? body.substring(0, 300) + "…" : body;
    }
}
