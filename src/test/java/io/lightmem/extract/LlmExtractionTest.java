package io.lightmem.extract;

import static io.lightmem.testing.Conversations.add;
import static io.lightmem.testing.Conversations.assistant;
import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.Conversations.user;
import static io.lightmem.testing.ScriptedLlmServer.Reply.answer;
import static io.lightmem.testing.ScriptedLlmServer.Reply.httpError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.agroal.api.AgroalDataSource;
import io.lightmem.testing.LlmProfile;
import io.lightmem.testing.Rows;
import io.lightmem.testing.ScriptedLlmResource.InjectLlm;
import io.lightmem.testing.ScriptedLlmServer;
import io.lightmem.v1.AddMemoryRequest;
import io.lightmem.v1.AddMemoryResponse;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.lightmem.v1.Message;
import io.lightmem.v1.RetrieveRequest;
import io.lightmem.v1.RetrieveResponse;
import io.lightmem.v1.ShowInstanceRequest;
import io.lightmem.v1.ShowInstanceResponse;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The openai memory manager against a scripted OpenAI-compatible server over real HTTP. */
@QuarkusTest
@TestProfile(LlmProfile.class)
class LlmExtractionTest {

    @GrpcClient("lightmem")
    MemoryServiceBlockingStub memory;

    @InjectLlm
    ScriptedLlmServer llm;

    @Inject
    AgroalDataSource dataSource;

    @BeforeEach
    void resetScript() {
        llm.reset();
    }

    @Test
    void theExtractedFactIsWhatGetsStoredAndRetrieved() {
        String userId = newUser();
        llm.enqueue(answer("{\"data\": [{\"source_id\": 0, \"fact\": \"User's favorite color is blue.\"}]}"));

        AddMemoryResponse added = memory.addMemory(extractNow(userId,
                user("My favorite color is blue.", "2024-01-15T10:30:00"),
                assistant("Blue is a great color!", "2024-01-15T10:30:00")));

        assertThat(added.getLlmCalls()).isEqualTo(1);
        assertThat(added.getEntriesList()).singleElement().satisfies(entry -> {
            assertThat(entry.getMemory()).isEqualTo("User's favorite color is blue.");
            assertThat(entry.getOriginalMemory()).isEqualTo("My favorite color is blue.");
            assertThat(entry.getSpeakerName()).isEqualTo("User");
        });
        RetrieveResponse found = memory.retrieve(RetrieveRequest.newBuilder()
                .setUserId(userId).setQuery("What is the user's favorite color?").build());
        assertThat(found.getFormattedList()).containsExactly("2024-01-15T10:30:00.000 Mon User's favorite color is blue.");
    }

    @Test
    void thePromptListsSelectedMessagesInTheSpecFormat() {
        llm.enqueue(answer("{\"data\": []}"));

        memory.addMemory(extractNow(newUser(),
                user("I adopted a cat named Luna yesterday.", "2023/05/20 (Sat) 00:44"),
                assistant("Congratulations on Luna!", "2023/05/20 (Sat) 00:44"),
                user("She is a grey tabby.", "2023/05/20 (Sat) 00:45")));

        JsonNode request = llm.requests().get(0);
        assertThat(request.get("model").asText()).isEqualTo("scripted-model");
        assertThat(request.path("response_format").path("type").asText()).isEqualTo("json_object");
        assertThat(request.get("messages").get(0).get("role").asText()).isEqualTo("system");
        // messages_use=user_only: the assistant's line is left out; source ids count turns from 0.
        assertThat(ScriptedLlmServer.lastUserMessage(request)).endsWith("""
                --- Topic 1 ---
                [2023-05-20T00:44:00.000, Sat] 0.User: I adopted a cat named Luna yesterday.
                [2023-05-20T00:45:00.000, Sat] 1.User: She is a grey tabby.""");
    }

    @Test
    void factsTakeTimeAndSpeakerFromTheirSourceTurnAndOutOfRangeIdsAreClamped() {
        String userId = newUser();
        llm.enqueue(answer("""
                {"data": [
                  {"source_id": 1, "fact": "Caroline went to an LGBTQ support group on 7 May 2023."},
                  {"source_id": 0, "fact": "Melanie paints sunsets."},
                  {"source_id": 7, "fact": "Caroline is researching adoption agencies."}
                ]}"""));

        AddMemoryResponse added = memory.addMemory(extractNow(userId,
                user("I paint sunsets on weekends.", "2023-05-08T13:56:00").toBuilder().setSpeakerName("Melanie").build(),
                user("I went to a LGBTQ support group yesterday.", "2023-05-08T14:10:00").toBuilder()
                        .setSpeakerName("Caroline").setSpeakerId("c-1").build()));

        assertThat(added.getEntriesList()).extracting(e -> e.getFormatted()).containsExactly(
                "2023-05-08T14:10:00.000 Mon Caroline went to an LGBTQ support group on 7 May 2023.",
                "2023-05-08T13:56:00.000 Mon Melanie paints sunsets.",
                "2023-05-08T14:10:00.000 Mon Caroline is researching adoption agencies.");
        assertThat(added.getEntries(0).getSpeakerId()).isEqualTo("c-1");
        assertThat(added.getEntries(2).getSpeakerName()).isEqualTo("Caroline");
    }

    @Test
    void malformedJsonIsRetriedWithTheProblemStated() {
        String userId = newUser();
        llm.enqueue(answer("Sure! Here are the facts: favorite color blue"),
                answer("{\"data\": [{\"source_id\": \"zero\", \"fact\": \"x\"}]}"),
                answer("```json\n{\"data\": [{\"source_id\": 0, \"fact\": \"User likes jazz.\"}]}\n```"));

        AddMemoryResponse added = memory.addMemory(extractNow(userId, user("I love jazz.", "2024-01-15T10:30:00")));

        assertThat(added.getLlmCalls()).isEqualTo(3);
        assertThat(added.getEntriesList()).extracting(e -> e.getMemory()).containsExactly("User likes jazz.");
        List<JsonNode> requests = llm.requests();
        assertThat(ScriptedLlmServer.lastUserMessage(requests.get(1))).contains("not JSON");
        assertThat(ScriptedLlmServer.lastUserMessage(requests.get(2))).contains("data[0].source_id must be an integer");
        assertThat(usageRows(userId)).isEqualTo(3);
    }

    @Test
    void aMessageAcceptedBeforeExtractionFailsStaysInTheLogAndIsRetriedByTheNextAdd() throws Exception {
        String userId = newUser();
        llm.fallback(answer("this is not json"));

        AddMemoryResponse failed = memory.addMemory(extractNow(userId, user("I moved to Lisbon in March.", "2024-04-02T09:00:00")));

        assertThat(failed.getLlmCalls()).isEqualTo(3); // the first try and two retries
        assertThat(failed.getEntriesList()).isEmpty();
        assertThat(failed.getPendingMessages()).isEqualTo(1);
        assertThat(failed.getDeferredReason()).contains("malformed JSON 3 times");
        assertThat(messageLog(userId)).containsExactly("pending:I moved to Lisbon in March.");

        llm.reset();
        llm.enqueue(httpError(503), httpError(503), httpError(503));
        AddMemoryResponse unavailable = memory.addMemory(extractNow(userId, user("I work remotely.", "2024-04-03T09:00:00")));
        assertThat(unavailable.getEntriesList()).isEmpty();
        assertThat(unavailable.getPendingMessages()).isEqualTo(2);
        assertThat(unavailable.getDeferredReason()).contains("openai call failed");

        llm.reset();
        llm.enqueue(answer("""
                {"data": [{"source_id": 0, "fact": "User moved to Lisbon in March 2024."},
                          {"source_id": 1, "fact": "User works remotely."}]}"""));
        AddMemoryResponse recovered = memory.addMemory(extractNow(userId, user("Nice weather today.", "2024-04-04T09:00:00")));

        assertThat(recovered.getEntriesList()).extracting(e -> e.getMemory())
                .containsExactly("User moved to Lisbon in March 2024.", "User works remotely.");
        assertThat(recovered.getPendingMessages()).isZero();
        assertThat(ScriptedLlmServer.lastUserMessage(llm.requests().get(0)))
                .contains("0.User: I moved to Lisbon in March.", "1.User: I work remotely.", "2.User: Nice weather today.");
        assertThat(messageLog(userId)).containsExactly("processed:I moved to Lisbon in March.",
                "processed:I work remotely.", "processed:Nice weather today.");
    }

    @Test
    void showInstanceLeavesTheApiKeyOut() {
        ShowInstanceResponse instance = memory.showInstance(ShowInstanceRequest.getDefaultInstance());

        assertThat(instance.getMemoryManager()).isEqualTo("openai");
        assertThat(instance.getConfigMap()).doesNotContainKey("lightmem.memory-manager.configs.api-key");
        assertThat(instance.getConfigMap().values()).noneMatch(v -> v.contains("sk-test-secret"));
        // A setting that merely counts tokens is not a secret.
        assertThat(instance.getConfigMap()).containsEntry("lightmem.memory-manager.configs.max-tokens", "2048");
    }

    /** An add that extracts at once instead of waiting for the short-term buffer to fill. */
    private static AddMemoryRequest extractNow(String userId, Message... messages) {
        return add(userId, messages).toBuilder().setForceExtract(true).build();
    }

    private List<String> messageLog(String userId) {
        return Rows.strings(dataSource, "SELECT status || ':' || content FROM message_log WHERE user_id = ? ORDER BY id",
                userId);
    }

    private int usageRows(String userId) {
        return Integer.parseInt(Rows.strings(dataSource,
                "SELECT count(*) FROM llm_usage WHERE user_id = ? AND operation = 'extract' AND total_tokens > 0",
                userId).get(0));
    }
}
