package io.lightmem.config;

import static io.lightmem.testing.Conversations.add;
import static io.lightmem.testing.Conversations.assistant;
import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.Conversations.user;
import static io.lightmem.testing.ScriptedLlmServer.Reply.answer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.lightmem.testing.PackagedService;
import io.lightmem.testing.ScriptedLlmServer;
import io.lightmem.v1.AddMemoryResponse;
import io.lightmem.v1.MemoryServiceGrpc;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.lightmem.v1.ShowInstanceRequest;
import io.lightmem.v1.ShowInstanceResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged service started as a LightMem user starts things: with nothing configured but the
 * environment variables OPENAI_API_KEY and OPENAI_BASE_URL (the base URL pointing at a scripted
 * OpenAI-compatible server). It extracts facts with that key instead of storing messages verbatim.
 */
class OpenAiKeyFromEnvironmentIT {

    @Test
    void withOnlyOpenAiApiKeyInTheEnvironmentTheServiceExtractsFacts() throws Exception {
        try (ScriptedLlmServer llm = new ScriptedLlmServer();
                PackagedService service = PackagedService.start(Map.of(),
                        Map.of("OPENAI_API_KEY", "sk-only-in-the-environment", "OPENAI_BASE_URL", llm.baseUrl()),
                        "openai-from-environment")) {
            ManagedChannel channel = service.channel();
            try {
                MemoryServiceBlockingStub memory = MemoryServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(60, TimeUnit.SECONDS);
                llm.enqueue(answer("{\"data\": [{\"source_id\": 0, \"fact\": \"User's favorite color is blue.\"}]}"));

                AddMemoryResponse added = memory.addMemory(add(newUser(),
                        user("My favorite color is blue.", "2024-01-15T10:30:00"),
                        assistant("Blue is a great color!", "2024-01-15T10:30:00")).toBuilder().setForceExtract(true)
                        .build());
                ShowInstanceResponse instance = memory.showInstance(ShowInstanceRequest.getDefaultInstance());

                assertThat(added.getLlmCalls()).isEqualTo(1);
                assertThat(added.getEntriesList()).singleElement()
                        .satisfies(entry -> assertThat(entry.getMemory()).isEqualTo("User's favorite color is blue."));
                assertThat(llm.authorizations()).containsExactly("Bearer sk-only-in-the-environment");
                assertThat(instance.getMemoryManager()).isEqualTo("openai");
                assertThat(instance.getConfigMap()).containsEntry("lightmem.memory-manager.configs.api-key",
                        "**** (from OPENAI_API_KEY)");
                assertThat(instance.getConfigSourcesMap()).containsEntry("lightmem.memory-manager.configs.base-url",
                        "OPENAI_BASE_URL");
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aConfigurationFileAskingForWhatThisServiceCannotDoStopsTheStartSayingWhy(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("lightmem.json");
        Files.writeString(file, """
                {"memory_manager": {"model_name": "transformers"}, "kv_cache": true,
                 "embedding_retriever": {"model_name": "qdrant"}}""");

        assertThatThrownBy(() -> PackagedService.start(Map.of("lightmem.config-file", file.toString()), "refused-config")
                .close())
                .isInstanceOfSatisfying(IllegalStateException.class, e -> {
                    Matcher log = Pattern.compile("see (\\S+)").matcher(e.getMessage());
                    assertThat(log.find()).as(e.getMessage()).isTrue();
                    assertThat(read(log.group(1)))
                            .contains("memory_manager.model_name: refused, 'transformers': no LLM runs in this process")
                            .contains("kv_cache: refused, no KV cache is precomputed here")
                            .contains("embedding_retriever.model_name: not applied, 'qdrant': storage is PostgreSQL+pgvector");
                });
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
