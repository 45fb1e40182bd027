package io.lightmem.consolidate;

import static io.lightmem.testing.Conversations.add;
import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.Conversations.user;
import static io.lightmem.testing.ScriptedLlmServer.Reply.answer;
import static org.assertj.core.api.Assertions.assertThat;

import io.lightmem.testing.LlmEveryStageProfile;
import io.lightmem.testing.ScriptedLlmResource.InjectLlm;
import io.lightmem.testing.ScriptedLlmServer;
import io.lightmem.v1.AddMemoryResponse;
import io.lightmem.v1.ConsolidationAction;
import io.lightmem.v1.ListHistoryRequest;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.lightmem.v1.RetrieveRequest;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * lightmem.update=online: the decision for a new entry's targets is taken within the AddMemory that stores it
 * (LlmEveryStageProfile: a threshold of 0.73, which this pair of facts reaches; facts carry metadata).
 */
@QuarkusTest
@TestProfile(LlmEveryStageProfile.class)
class OnlineConsolidationTest {

    @GrpcClient("lightmem")
    MemoryServiceBlockingStub memory;

    @InjectLlm
    ScriptedLlmServer llm;

    @BeforeEach
    void resetScript() {
        llm.reset();
    }

    /** An extraction answer of one fact from the first message, with its metadata. */
    private static String fact(String fact) {
        return """
                {"data": [{"source_id": 0, "fact": "%s", "category": "location", "keywords": [], "entities": []}]}"""
                .formatted(fact);
    }

    @Test
    void aContradictingFactDeletesTheOlderOneRightAfterItIsAdded() {
        String userId = newUser();
        llm.enqueue(answer(fact("User lives in New York.")));
        AddMemoryResponse first = memory.addMemory(add(userId, user("I live in New York.", "2023-03-01T09:00:00"))
                .toBuilder().setForceExtract(true).build());
        assertThat(first.getLlmCalls()).isEqualTo(1); // extraction only: nothing older to compare with

        llm.enqueue(answer(fact("User moved to San Francisco.")),
                answer("{\"action\": \"delete\", \"new_memory\": \"\"}"));
        AddMemoryResponse second = memory.addMemory(add(userId,
                user("I just moved to San Francisco!", "2024-06-01T09:00:00")).toBuilder().setForceExtract(true).build());

        assertThat(second.getLlmCalls()).isEqualTo(2); // extraction, then the decision on "New York"
        assertThat(ScriptedLlmServer.lastUserMessage(llm.requests().get(2))).contains(
                "User lives in New York.", "User moved to San Francisco.");
        assertThat(memory.retrieve(RetrieveRequest.newBuilder().setUserId(userId).setQuery("Where does the user live?")
                .build()).getFormattedList()).containsExactly("2024-06-01T09:00:00.000 Sat User moved to San Francisco.");
        assertThat(memory.listHistory(ListHistoryRequest.newBuilder().setUserId(userId).build()).getChangesList())
                .singleElement().satisfies(change -> {
                    assertThat(change.getMemoryId()).isEqualTo(first.getEntries(0).getId());
                    assertThat(change.getAction()).isEqualTo(ConsolidationAction.CONSOLIDATION_ACTION_DELETE);
                });
    }
}
