package io.lightmem.ingest;

import static io.lightmem.testing.Conversations.add;
import static io.lightmem.testing.Conversations.assistant;
import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.Conversations.user;
import static io.lightmem.testing.ScriptedLlmServer.Reply.answer;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import io.lightmem.extract.ExtractionConfig;
import io.lightmem.model.TokenCounter;
import io.lightmem.testing.LlmProfile;
import io.lightmem.testing.ScriptedLlmResource.InjectLlm;
import io.lightmem.testing.ScriptedLlmServer;
import io.lightmem.v1.AddMemoryResponse;
import io.lightmem.v1.FlushRequest;
import io.lightmem.v1.FlushResponse;
import io.lightmem.v1.GetUsageRequest;
import io.lightmem.v1.GetUsageResponse;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The short-term buffer (docs/design.md, "Short-term buffer and extraction"): each add is one topic segment; segments
 * wait in the message
 * log until the next one would pass lightmem.extract-threshold tokens, then go to the LLM in one call.
 */
@QuarkusTest
@TestProfile(LlmProfile.class)
class ShortTermBufferingTest {

    @GrpcClient("lightmem")
    MemoryServiceBlockingStub memory;

    @InjectLlm
    ScriptedLlmServer llm;

    @Inject
    TokenCounter tokens;

    @Inject
    ExtractionConfig config;

    @BeforeEach
    void resetScript() {
        llm.reset();
    }

    /** A user message of about 40 % of the budget. */
    private String aboutTwoFifthsOfTheBudget(String topic) {
        StringBuilder text = new StringBuilder("I want to tell you about " + topic + ".");
        while (tokens.countTokens(text.toString()) < config.extractThreshold().tokens() * 2 / 5) {
            text.append(" It matters a lot to me.");
        }
        return text.toString();
    }

    @Test
    void segmentsWaitUntilTheNextWouldPassTheBudgetThenGoInOneCall() {
        String userId = newUser();
        String marathon = aboutTwoFifthsOfTheBudget("my marathon training");
        String garden = aboutTwoFifthsOfTheBudget("my vegetable garden");
        String piano = aboutTwoFifthsOfTheBudget("my piano lessons");

        AddMemoryResponse first = memory.addMemory(add(userId, user(marathon, "2024-05-01T08:00:00"),
                assistant("Good luck with the training!", "2024-05-01T08:00:00")));
        AddMemoryResponse second = memory.addMemory(add(userId, user(garden, "2024-05-02T08:00:00")));
        assertThat(first.getLlmCalls() + second.getLlmCalls()).isZero();
        assertThat(second.getPendingMessages()).isEqualTo(3);

        llm.enqueue(answer("""
                {"data": [{"source_id": 0, "fact": "User trains for a marathon."},
                          {"source_id": 1, "fact": "User grows vegetables."}]}"""));
        AddMemoryResponse third = memory.addMemory(add(userId, user(piano, "2024-05-03T08:00:00")));

        assertThat(third.getLlmCalls()).isEqualTo(1);
        assertThat(third.getEntriesList()).extracting(e -> e.getMemory())
                .containsExactly("User trains for a marathon.", "User grows vegetables.");
        assertThat(third.getEntries(0).getFormatted()).startsWith("2024-05-01T08:00:00.000 Wed");
        assertThat(third.getPendingMessages()).isEqualTo(1); // the piano segment waits for the next one
        String prompt = ScriptedLlmServer.lastUserMessage(llm.requests().get(0));
        assertThat(prompt).contains("--- Topic 1 ---\n[2024-05-01T08:00:00.000, Wed] 0.User: I want to tell you about my marathon",
                "--- Topic 2 ---\n[2024-05-02T08:00:00.000, Thu] 1.User: I want to tell you about my vegetable garden");
        assertThat(prompt).doesNotContain("piano", "Good luck");
    }

    @Test
    void flushExtractsWhatIsBufferedWithoutNewMessages() {
        String userId = newUser();
        memory.addMemory(add(userId, user("I collect vintage postcards.", "2024-06-01T10:00:00")));
        assertThat(llm.requests()).isEmpty();

        llm.enqueue(answer("{\"data\": [{\"source_id\": 0, \"fact\": \"User collects vintage postcards.\"}]}"));
        FlushResponse flushed = memory.flush(FlushRequest.newBuilder().setUserId(userId).build());

        assertThat(flushed.getLlmCalls()).isEqualTo(1);
        assertThat(flushed.getEntriesList()).extracting(e -> e.getMemory()).containsExactly("User collects vintage postcards.");
        assertThat(flushed.getPendingMessages()).isZero();
        assertThat(memory.flush(FlushRequest.newBuilder().setUserId(userId).build()).getLlmCalls()).isZero();
    }

    @Test
    void usageSumsEveryCallOfTheUserPerOperation() {
        String userId = newUser();
        llm.enqueue(answer("not json"), answer("{\"data\": []}"));
        memory.addMemory(add(userId, user("Hello there.", "2024-06-01T10:00:00")).toBuilder().setForceExtract(true).build());

        GetUsageResponse usage = memory.getUsage(GetUsageRequest.newBuilder().setUserId(userId).build());

        assertThat(usage.getOperationsList()).singleElement().satisfies(extract -> {
            assertThat(extract.getOperation()).isEqualTo("extract");
            assertThat(extract.getCalls()).isEqualTo(2);
            assertThat(extract.getPromptTokens()).isPositive();
            assertThat(extract.getTotalTokens()).isEqualTo(extract.getPromptTokens() + extract.getCompletionTokens());
        });
        assertThat(memory.getUsage(GetUsageRequest.newBuilder().setUserId(newUser()).build()).getOperationsList()).isEmpty();
        given().when().get("/q/metrics").then()
                .body(containsString("lightmem_llm_calls_total{operation=\"extract\"}"))
                .body(containsString("lightmem_llm_tokens_total{kind=\"prompt\",operation=\"extract\"}"));
    }
}
