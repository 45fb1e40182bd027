package io.lightmem.config;

import static io.lightmem.testing.Conversations.add;
import static io.lightmem.testing.Conversations.assistant;
import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.Conversations.user;
import static io.lightmem.testing.ScriptedLlmServer.Reply.answer;
import static org.assertj.core.api.Assertions.assertThat;

import io.lightmem.testing.ScriptedLlmResource;
import io.lightmem.testing.ScriptedLlmResource.InjectLlm;
import io.lightmem.testing.ScriptedLlmServer;
import io.lightmem.v1.MemoryEntry;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.lightmem.v1.ShowInstanceRequest;
import io.lightmem.v1.ShowInstanceResponse;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The service started with the seed's example configuration file (src/test/resources/lightmem/
 * seed-config.json: LightMem's JSON shape, its empty api_key left to the environment) and the
 * OpenAI variables a LightMem user has, OPENAI_API_KEY and OPENAI_BASE_URL (here pointing at the
 * scripted LLM): it starts, extracts with the file's model and metadata, and ShowInstance says where
 * each value came from. (OpenAiKeyFromEnvironmentIT sets them as real environment variables.)
 */
@QuarkusTest
@TestProfile(SeedConfigFileTest.SeedFile.class)
class SeedConfigFileTest {

    public static class SeedFile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lightmem.config-file", "src/test/resources/lightmem/seed-config.json",
                    "lightmem.memory-manager.read-environment", "true");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(OpenAiVariables.class));
        }
    }

    /** The scripted LLM, reached only through the variables OpenAI's own clients read. */
    public static class OpenAiVariables extends ScriptedLlmResource {
        @Override
        protected Map<String, String> properties(ScriptedLlmServer server) {
            return Map.of("OPENAI_API_KEY", "sk-from-the-environment", "OPENAI_BASE_URL", server.baseUrl());
        }
    }

    @GrpcClient("lightmem")
    MemoryServiceBlockingStub memory;

    @InjectLlm
    ScriptedLlmServer llm;

    @Test
    void theFilesSettingsAndTheOpenAiKeyFromTheEnvironmentMakeAnExtractingService() {
        llm.reset();
        llm.enqueue(answer("""
                {"data": [{"source_id": 0, "fact": "User adopted a grey cat named Luna.", "category": "possession",
                           "subcategory": "pet", "keywords": ["cat"], "entities": ["Luna"]}]}"""));

        List<MemoryEntry> stored = memory.addMemory(add(newUser(),
                user("I adopted a grey cat, her name is Luna.", "2024-01-15T10:30:00"),
                assistant("Luna is a lovely name!", "2024-01-15T10:30:00")).toBuilder()
                .setForceSegment(true).setForceExtract(true).build()).getEntriesList();

        assertThat(stored).singleElement().satisfies(entry -> {
            assertThat(entry.getMemory()).isEqualTo("User adopted a grey cat named Luna.");
            assertThat(entry.getCategory()).isEqualTo("possession");
        });
        assertThat(llm.requests()).singleElement()
                .satisfies(request -> assertThat(request.get("model").asText()).isEqualTo("gpt-4o-mini"));
        assertThat(llm.authorizations()).containsExactly("Bearer sk-from-the-environment");
    }

    @Test
    void showInstanceSaysWhereEachValueCameFromAndMasksTheKey() {
        ShowInstanceResponse instance = memory.showInstance(ShowInstanceRequest.getDefaultInstance());

        assertThat(instance.getMemoryManager()).isEqualTo("openai");
        assertThat(instance.getConfigMap())
                .containsEntry("lightmem.memory-manager.configs.api-key", "**** (from OPENAI_API_KEY)")
                .containsEntry("lightmem.extract-threshold", "0.1")
                .containsEntry("lightmem.topic-segment", "true")
                .containsEntry("lightmem.config-file", "src/test/resources/lightmem/seed-config.json");
        assertThat(instance.getConfigMap().toString()).doesNotContain("sk-from-the-environment");
        assertThat(instance.getConfigSourcesMap())
                .containsEntry("lightmem.memory-manager.configs.api-key", "OPENAI_API_KEY")
                .containsEntry("lightmem.memory-manager.configs.base-url", "OPENAI_BASE_URL")
                .containsEntry("lightmem.extract-threshold", "lightmem.config-file extract_threshold")
                .containsEntry("lightmem.memory-manager.configs.model", "lightmem.config-file memory_manager.configs.model")
                .doesNotContainKey("lightmem.memory-manager.read-environment");
    }
}
