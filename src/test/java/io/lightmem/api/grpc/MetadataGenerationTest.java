package io.lightmem.api.grpc;

import static io.lightmem.testing.Conversations.add;
import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.Conversations.user;
import static io.lightmem.testing.ScriptedLlmServer.Reply.answer;
import static org.assertj.core.api.Assertions.assertThat;

import io.lightmem.testing.LlmProfile;
import io.lightmem.testing.ScriptedLlmResource.InjectLlm;
import io.lightmem.testing.ScriptedLlmServer;
import io.lightmem.v1.AddMemoryResponse;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.lightmem.v1.RetrieveFilter;
import io.lightmem.v1.RetrieveRequest;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** lightmem.metadata-generate: the LLM's category, keywords and entities are stored and filterable. */
@QuarkusTest
@TestProfile(MetadataGenerationTest.WithMetadata.class)
class MetadataGenerationTest {

    public static class WithMetadata extends LlmProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lightmem.metadata-generate", "true");
        }
    }

    @GrpcClient("lightmem")
    MemoryServiceBlockingStub memory;

    @InjectLlm
    ScriptedLlmServer llm;

    @Test
    void metadataIsAskedForStoredAndUsableAsAFilter() {
        String userId = newUser();
        llm.enqueue(answer("""
                {"data": [
                  {"source_id": 0, "fact": "User works as a nurse at Boston General.", "category": "work",
                   "subcategory": "job", "keywords": ["nurse", "hospital"], "entities": ["Boston General"]},
                  {"source_id": 1, "fact": "User loves spicy ramen.", "category": "preference",
                   "subcategory": "food", "keywords": ["ramen"], "entities": []}]}"""));

        AddMemoryResponse added = memory.addMemory(add(userId,
                user("I work as a nurse at Boston General.", "2024-02-01T09:00:00"),
                user("I love spicy ramen.", "2024-02-01T09:05:00")).toBuilder().setForceExtract(true).build());

        assertThat(llm.requests().get(0).get("messages").get(0).get("content").asText())
                .contains("\"category\": exactly one of personal, preference, relationship");
        assertThat(added.getEntries(0).getCategory()).isEqualTo("work");
        assertThat(added.getEntries(0).getSubcategory()).isEqualTo("job");
        assertThat(added.getEntries(0).getKeywordsList()).containsExactly("nurse", "hospital");
        assertThat(added.getEntries(0).getEntitiesList()).containsExactly("Boston General");

        var preferences = memory.retrieve(RetrieveRequest.newBuilder().setUserId(userId).setQuery("What is the user's job?")
                .setFilter(RetrieveFilter.newBuilder().setCategory("preference")).build());
        assertThat(preferences.getFormattedList()).singleElement().asString().endsWith("User loves spicy ramen.");
    }
}
