package io.lightmem.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.lightmem.client.testing.ScriptedChatServer;
import io.lightmem.client.testing.ServiceProcess;
import io.lightmem.client.testing.Users;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** With an LLM the service extracts facts: the client returns them from the add, and usage counts the calls. */
class ExtractionTest {

    private static final Instant MONDAY = Instant.parse("2024-01-15T10:30:00Z");

    private static ScriptedChatServer llm;
    private static ServiceProcess service;
    private static LightMemClient memory;

    @BeforeAll
    static void start() throws Exception {
        llm = new ScriptedChatServer(request -> ScriptedChatServer.prompt(request).contains("favorite color is blue")
                ? "{\"data\": [{\"source_id\": 0, \"fact\": \"User's favorite color is blue.\"}]}"
                : "{\"data\": []}");
        service = ServiceProcess.start("llm", Map.of(
                "lightmem.memory-manager.model-name", "openai",
                "lightmem.memory-manager.configs.base-url", llm.baseUrl(),
                "lightmem.memory-manager.configs.api-key", "sk-scripted"));
        memory = service.client().build();
    }

    @AfterAll
    static void stop() throws Exception {
        memory.close();
        service.close();
        llm.close();
    }

    @Test
    void anAddThatExtractsReturnsTheFactsAndUsageCountsTheLlmCall() {
        String user = Users.fresh("extract");
        List<Message> turn = List.of(Message.user("My favorite color is blue.", MONDAY),
                Message.assistant("Blue is a great color!", MONDAY.plusSeconds(5)));

        AddResult added = memory.addMemory(user, turn, AddOptions.defaults().forceExtract(true));

        assertThat(added.llmCalls()).isEqualTo(1);
        assertThat(added.pendingMessages()).isZero();
        assertThat(added.deferredReason()).isEmpty();
        assertThat(added.memories()).singleElement().satisfies(fact -> {
            assertThat(fact.text()).isEqualTo("User's favorite color is blue.");
            assertThat(fact.originalText()).contains("My favorite color is blue.");
            assertThat(fact.formatted()).isEqualTo("2024-01-15T10:30:00.000 Mon User's favorite color is blue.");
        });
        assertThat(memory.retrieve(user, "What is the user's favorite color?", 3))
                .extracting(RetrievedMemory::formatted)
                .containsExactly("2024-01-15T10:30:00.000 Mon User's favorite color is blue.");
        assertThat(memory.getUsage(user)).singleElement().satisfies(usage -> {
            assertThat(usage.operation()).isEqualTo("extract");
            assertThat(usage.calls()).isEqualTo(1);
            assertThat(usage.totalTokens()).isPositive();
        });
        assertThat(memory.showInstance().memoryManager()).isEqualTo("openai");
    }

    @Test
    void withoutForceExtractTheTurnWaitsInTheBufferUntilFlushed() {
        String user = Users.fresh("buffer");

        AddResult added = memory.addMemory(user, List.of(Message.user("My favorite color is blue.", MONDAY)),
                AddOptions.defaults());
        FlushResult flushed = memory.flush(user);

        assertThat(added.memories()).isEmpty();
        assertThat(added.pendingMessages()).isEqualTo(1);
        assertThat(flushed.memories()).extracting(Memory::text).containsExactly("User's favorite color is blue.");
        assertThat(flushed.pendingMessages()).isZero();
    }
}
