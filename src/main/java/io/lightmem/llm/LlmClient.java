package io.lightmem.llm;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import io.lightmem.llm.JsonAnswers.MalformedAnswerException;
import io.lightmem.memory.Owner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The configured chat LLM, shared by extraction and consolidation: one JSON-answering call with
 * bounded re-asking on malformed answers and token accounting per call. {@link #none()} stands
 * for "no LLM configured".
 */
public final class LlmClient {

    private static final Logger LOG = Logger.getLogger(LlmClient.class);

    /** Reads and validates an answer; a {@link MalformedAnswerException} makes the client ask again. */
    @FunctionalInterface
    public interface AnswerParser<T> {
        T parse(String answer) throws MalformedAnswerException;
    }

    /** @param calls LLM calls spent, re-asks included */
    public record Result<T>(T value, int calls) {
    }

    /** The backend failed, or kept answering malformed output; the message says which. */
    public static final class CallFailedException extends RuntimeException {
        private final int calls;

        CallFailedException(String message, int calls, Throwable cause) {
            super(message, cause);
            this.calls = calls;
        }

        public int calls() {
            return calls;
        }
    }

    private final String backend;
    private final String modelName;
    private final ChatModel chatModel;
    private final LlmUsage usage;
    private final int maxRetries;

    public LlmClient(String backend, String modelName, ChatModel chatModel, LlmUsage usage, int maxRetries) {
        this.backend = backend;
        this.modelName = modelName;
        this.chatModel = chatModel;
        this.usage = usage;
        this.maxRetries = maxRetries;
    }

    public static LlmClient none() {
        return new LlmClient("none", null, null, null, 0);
    }

    public boolean available() {
        return chatModel != null;
    }

    /** openai, deepseek, vllm, ollama or none. */
    public String backend() {
        return backend;
    }

    /**
     * Asks the model and parses its answer. A malformed answer is sent back with the problem
     * stated ({@code retryTemplate}'s {@code {{problem}}}) up to max-retries times.
     *
     * @param operation the llm_usage operation every call is recorded under
     * @throws CallFailedException when the call fails or the answers stay malformed
     */
    public <T> Result<T> askJson(Owner owner, String operation, String systemPrompt, String userPrompt,
            String retryTemplate, AnswerParser<T> parser) {
        if (!available()) {
            throw new IllegalStateException("no LLM is configured");
        }
        List<ChatMessage> conversation = new ArrayList<>(List.of(SystemMessage.from(systemPrompt),
                UserMessage.from(userPrompt)));
        int calls = 0;
        while (true) {
            ChatResponse response;
            try {
                response = chatModel.chat(ChatRequest.builder().messages(conversation).build());
            } catch (RuntimeException e) {
                throw new CallFailedException(backend + " call failed: " + e.getMessage(), calls, e);
            } finally {
                calls++;
            }
            record(owner, operation, response.tokenUsage());
            String answer = response.aiMessage().text();
            try {
                return new Result<>(parser.parse(answer), calls);
            } catch (MalformedAnswerException e) {
                if (calls > maxRetries) {
                    throw new CallFailedException("the " + backend + " model answered malformed JSON " + calls
                            + " times, last: " + e.getMessage(), calls, e);
                }
                LOG.debugf("malformed %s answer (%s), asking again", operation, e.getMessage());
                conversation.add(AiMessage.from(answer == null ? "" : answer));
                conversation.add(UserMessage.from(Prompts.fill(retryTemplate, Map.of("problem", e.getMessage()))));
            }
        }
    }

    private void record(Owner owner, String operation, TokenUsage tokens) {
        int prompt = tokens == null || tokens.inputTokenCount() == null ? 0 : tokens.inputTokenCount();
        int completion = tokens == null || tokens.outputTokenCount() == null ? 0 : tokens.outputTokenCount();
        int total = tokens == null || tokens.totalTokenCount() == null ? prompt + completion : tokens.totalTokenCount();
        usage.record(owner, operation, modelName, prompt, completion, total);
    }
}
