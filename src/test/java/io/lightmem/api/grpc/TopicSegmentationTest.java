package io.lightmem.api.grpc;

import static io.lightmem.testing.Conversations.add;
import static io.lightmem.testing.Conversations.assistant;
import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.Conversations.user;
import static io.lightmem.testing.ScriptedLlmServer.Reply.answer;
import static org.assertj.core.api.Assertions.assertThat;

import io.lightmem.testing.LlmProfile;
import io.lightmem.testing.ScriptedLlmResource.InjectLlm;
import io.lightmem.testing.ScriptedLlmServer;
import io.lightmem.v1.AddMemoryRequest;
import io.lightmem.v1.AddMemoryResponse;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** lightmem.topic-segment: turns are grouped by topic, and the extraction prompt has a header per topic. */
@QuarkusTest
@TestProfile(TopicSegmentationTest.Segmenting.class)
class TopicSegmentationTest {

    public static class Segmenting extends LlmProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lightmem.topic-segment", "true", "lightmem.topic-segmenter.buffer-len", "60");
        }
    }

    private static final List<String[]> TURNS = List.of(
            new String[] {"I am making fresh pasta tonight with eggs and flour.", "Homemade pasta is lovely."},
            new String[] {"The pasta dough needs to rest for thirty minutes before rolling.", "Resting helps the gluten."},
            new String[] {"I will serve the pasta with a tomato and basil sauce.", "Classic and delicious."},
            new String[] {"My car's brakes started squeaking on the highway.", "That should be checked soon."},
            new String[] {"The mechanic said the brake pads on my car are worn out.", "Replacing pads is routine."},
            new String[] {"Replacing the car brake pads will cost about two hundred dollars.", "That is a fair price."});

    @GrpcClient("lightmem")
    MemoryServiceBlockingStub memory;

    @InjectLlm
    ScriptedLlmServer llm;

    @Test
    void turnsAreExtractedGroupedByTopicInOneCall() {
        llm.reset();
        String userId = newUser();
        for (int i = 0; i < TURNS.size(); i++) {
            String time = "2024-07-%02dT19:00:00".formatted(i + 1);
            AddMemoryResponse added = memory.addMemory(add(userId, user(TURNS.get(i)[0], time),
                    assistant(TURNS.get(i)[1], time)));
            assertThat(added.getLlmCalls()).isZero();
        }
        llm.enqueue(answer("""
                {"data": [{"source_id": 0, "fact": "User made fresh pasta on 1 July 2024."},
                          {"source_id": 4, "fact": "User's car needs new brake pads."}]}"""));

        AddMemoryResponse extracted = memory.addMemory(AddMemoryRequest.newBuilder().setUserId(userId)
                .addMessages(user("Thanks for listening.", "2024-07-07T19:00:00")).setForceExtract(true).build());

        assertThat(extracted.getLlmCalls()).isEqualTo(1);
        String prompt = ScriptedLlmServer.lastUserMessage(llm.requests().get(0));
        int cooking = prompt.indexOf("--- Topic 1 ---");
        int cars = prompt.indexOf("--- Topic 2 ---");
        assertThat(cooking).isNotNegative();
        assertThat(cars).isGreaterThan(cooking);
        assertThat(prompt.substring(cooking, cars)).contains("0.User: I am making fresh pasta", "2.User: I will serve the pasta")
                .doesNotContain("brake");
        assertThat(prompt.substring(cars)).contains("3.User: My car's brakes", "5.User: Replacing the car brake pads")
                .doesNotContain("pasta");
        assertThat(extracted.getEntriesList()).hasSize(2);
    }
}
