package io.lightmem.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.rag.DefaultRetrievalAugmentor;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.UserMessage;
import io.lightmem.client.LightMemClient;
import io.lightmem.client.Memory;
import io.lightmem.client.testing.ScriptedChatServer;
import io.lightmem.client.testing.SharedService;
import io.lightmem.client.testing.Users;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An application's AI service (LangChain4j AiServices, an OpenAI-compatible chat model) with LightMem
 * added by configuration only: the recorder stores each exchange, the retriever puts the user's memories
 * into the prompt. A fact told in one conversation reaches the model in a later one. The chat model is a
 * scripted server on loopback; the LightMem service is real.
 */
@ExtendWith(SharedService.class)
class RememberingAssistantTest {

    /** The application's AI service; conversations are "<user>/<conversation>". */
    interface Assistant {
        String chat(@MemoryId String conversation, @UserMessage String message);
    }

    /** A memory line as LightMem formats it, in the prompt the model was shown. */
    private static final Pattern LUNA_MEMORY = Pattern.compile(
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (Mon|Tue|Wed|Thu|Fri|Sat|Sun) My cat is called Luna\\.");

    private final LightMemClient memory;
    private ScriptedChatServer model;
    private LightMemChatRecorder recorder;
    private Assistant assistant;

    RememberingAssistantTest(LightMemClient memory) {
        this.memory = memory;
    }

    @BeforeEach
    void buildTheApplication() throws Exception {
        model = new ScriptedChatServer(RememberingAssistantTest::answer);
        recorder = LightMemChatRecorder.builder(memory)
                .userId(invocation -> userOf(invocation.chatMemoryId()))
                .build();
        LightMemContentRetriever retriever = LightMemContentRetriever.builder(memory)
                .userId(query -> userOf(query.metadata().chatMemoryId()))
                .limit(3)
                .build();
        assistant = AiServices.builder(Assistant.class)
                .chatModel(OpenAiChatModel.builder().baseUrl(model.baseUrl()).apiKey("sk-scripted")
                        .modelName("scripted").build())
                .chatMemoryProvider(conversation -> MessageWindowChatMemory.withMaxMessages(10))
                .retrievalAugmentor(DefaultRetrievalAugmentor.builder().contentRetriever(retriever).build())
                .registerListeners(recorder.listeners())
                .build();
    }

    @AfterEach
    void stop() {
        model.close();
    }

    @Test
    void aFactToldInOneConversationReachesThePromptOfALaterOne() throws Exception {
        String user = Users.fresh("cat-owner");

        assertThat(assistant.chat(user + "/1", "My cat is called Luna.")).isEqualTo("What a lovely name!");
        recorder.inFlight().get(30, TimeUnit.SECONDS);
        String answer = assistant.chat(user + "/2", "What is my cat's name?");

        assertThat(answer).isEqualTo("Your cat is called Luna.");
        JsonNode secondConversation = model.requests().get(model.requests().size() - 1);
        assertThat(ScriptedChatServer.prompt(secondConversation)).containsPattern(LUNA_MEMORY)
                .doesNotContain("What a lovely name!"); // not from the first conversation's chat memory
    }

    @Test
    void eachExchangeIsRecordedAsTheUserWroteItWithoutTheRetrievedMemories() throws Exception {
        String user = Users.fresh("recorded");

        assistant.chat(user + "/1", "My cat is called Luna.");
        recorder.inFlight().get(30, TimeUnit.SECONDS);
        assistant.chat(user + "/2", "What is my cat's name?");
        recorder.inFlight().get(30, TimeUnit.SECONDS);

        // memory manager none, messages-use user_only: the user's messages are the memories
        List<Memory> memories = memory.listMemories(user, 10, null).memories();
        assertThat(memories).extracting(Memory::text).containsExactly("My cat is called Luna.", "What is my cat's name?");
        assertThat(memories.get(1).originalText()).doesNotContain("Luna");
    }

    @Test
    void anotherUsersConversationsSeeNothingOfIt() throws Exception {
        String owner = Users.fresh("owner");
        String stranger = Users.fresh("stranger");

        assistant.chat(owner + "/1", "My cat is called Luna.");
        recorder.inFlight().get(30, TimeUnit.SECONDS);

        assertThat(assistant.chat(stranger + "/1", "What is my cat's name?")).isEqualTo("I don't know your cat's name.");
    }

    @Test
    void aFailedExchangeIsNotRecorded() throws Exception {
        String user = Users.fresh("failed");

        assertThatThrownBy(() -> assistant.chat(user + "/1", "Please fail: my cat is called Luna."))
                .isInstanceOf(RuntimeException.class);
        recorder.inFlight().get(30, TimeUnit.SECONDS);

        assertThat(memory.listMemories(user, 10, null).memories()).isEmpty();
    }

    private static String userOf(Object conversation) {
        return conversation.toString().substring(0, conversation.toString().indexOf('/'));
    }

    /** The chat model: answers from what its prompt holds, as a model would. */
    private static String answer(JsonNode request) {
        String prompt = ScriptedChatServer.prompt(request);
        if (prompt.contains("Please fail")) {
            throw new IllegalStateException("scripted provider failure");
        }
        if (prompt.contains("What is my cat's name?")) {
            return LUNA_MEMORY.matcher(prompt).find() ? "Your cat is called Luna." : "I don't know your cat's name.";
        }
        return "What a lovely name!";
    }
}
