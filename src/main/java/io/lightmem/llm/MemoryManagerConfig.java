package io.lightmem.llm;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.Optional;

/** {@code lightmem.memory-manager.*}: the LLM that turns messages into facts and decides consolidations. */
@ConfigMapping(prefix = "lightmem.memory-manager")
public interface MemoryManagerConfig {

    /**
     * openai, deepseek, vllm, ollama or none. Unset: {@code openai} when an API key or base
     * URL is configured, otherwise {@code none} (messages stored verbatim, no LLM).
     */
    Optional<Backend> modelName();

    Configs configs();

    /** Retries of an extraction call whose answer is not the JSON asked for. */
    @WithDefault("2")
    @Min(0)
    @Max(10)
    int maxRetries();

    /**
     * With {@code none}, begin a memory's text with its speaker's name ("Caroline: I adopted a cat.").
     * Off by default: search knows the speaker from its column (the lexical index holds the name, a
     * question naming a participant raises that participant's memories), and the name in the text
     * made one speaker's short messages look alike to the embedding, below a naive baseline on real
     * chat (BENCHMARKS.md, "Retrieval that generalizes"). Kept for comparison and for prompts that
     * want the name in the text.
     */
    @WithDefault("false")
    boolean verbatimSpeaker();

    /**
     * Take the API key, base URL and backend from the environment variables a LightMem user has
     * (OPENAI_API_KEY, OPENAI_BASE_URL, DEEPSEEK_API_KEY, …) when they are not configured here
     * (io.lightmem.config.LlmEnvironment).
     */
    @WithDefault("true")
    boolean readEnvironment();

    /** Messages of one user taken into one extraction call at most. */
    @WithDefault("200")
    @Min(1)
    @Max(5000)
    int maxBatchMessages();

    interface Configs {
        /** Chat model name; defaults per backend (see {@link Backend#defaultModel()}). */
        Optional<String> model();

        /** Secret. Required by openai and deepseek. */
        Optional<String> apiKey();

        /** OpenAI-compatible base URL; defaults per backend. */
        Optional<String> baseUrl();

        @WithDefault("2048")
        @Min(64)
        int maxTokens();

        @WithDefault("0.0")
        double temperature();

        @WithDefault("60s")
        Duration timeout();

        /** Ask for a JSON object response (response_format); turn off for servers without it. */
        @WithDefault("true")
        boolean jsonResponseFormat();
    }

    enum Backend {
        openai("https://api.openai.com/v1", "gpt-4o-mini", true),
        deepseek("https://api.deepseek.com/v1", "deepseek-chat", true),
        vllm("http://localhost:8000/v1", "Qwen/Qwen2.5-7B-Instruct", false),
        ollama("http://localhost:11434/v1", "llama3.1:8b", false),
        none(null, null, false);

        private final String defaultBaseUrl;
        private final String defaultModel;
        private final boolean needsApiKey;

        Backend(String defaultBaseUrl, String defaultModel, boolean needsApiKey) {
            this.defaultBaseUrl = defaultBaseUrl;
            this.defaultModel = defaultModel;
            this.needsApiKey = needsApiKey;
        }

        public String defaultBaseUrl() {
            return defaultBaseUrl;
        }

        public String defaultModel() {
            return defaultModel;
        }

        public boolean needsApiKey() {
            return needsApiKey;
        }
    }
}
