package io.lightmem.config;

import io.lightmem.ingest.Role;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The {@code lightmem.*} configuration tree. Names mirror LightMem's options (SPEC section 2);
 * every option has a default and a line in the README's configuration table.
 */
@ConfigMapping(prefix = "lightmem")
public interface LightMemConfig {

    /**
     * What this instance serves: {@code all} (the memory API with the models in process),
     * {@code api} (the memory API; embedding, token counting, compression and attention go to the
     * model service at {@code lightmem.models.endpoint}) or {@code models} (only the gRPC
     * {@code lightmem.v1.ModelService}, no database).
     */
    @WithDefault("all")
    InstanceRole role();

    /** The model service: served in roles all and models, called in role api. */
    ModelsConfig models();

    enum InstanceRole {
        all, api, models;

        /** Whether the models run in this process (ONNX Runtime). */
        public boolean modelsInProcess() {
            return this != api;
        }

        /** Whether this instance serves the memory API (and so needs the database). */
        public boolean servesMemory() {
            return this != models;
        }

        /** Whether this instance serves lightmem.v1.ModelService to others. */
        public boolean servesModels() {
            return this != api;
        }
    }

    /** The client of the model service (role api). */
    interface ModelsConfig {
        /** {@code host:port} of the model service (plaintext gRPC, h2c); required in role api. */
        Optional<String> endpoint();

        /** Deadline of one call (one attempt); a retry gets a new one. */
        @WithDefault("10s")
        Duration deadline();

        /** Attempts per call when the service is UNAVAILABLE or misses the deadline (1 = no retry). */
        @WithDefault("3")
        @Min(1)
        @Max(10)
        int maxAttempts();

        /** Wait before the first retry; doubled for each next one, up to max-backoff, with +-20% jitter. */
        @WithDefault("200ms")
        Duration initialBackoff();

        @WithDefault("2s")
        Duration maxBackoff();

        /** Texts sent in one call at most (calls are also kept under 3 MiB of text). */
        @WithDefault("64")
        @Min(1)
        @Max(1024)
        int batchSize();
    }

    /** Which message roles feed memory construction. */
    @WithDefault("user_only")
    MessagesUse messagesUse();

    /**
     * Cut buffered messages into topic segments (SPEC 1.3) instead of treating each add as one
     * segment.
     */
    @WithDefault("false")
    boolean topicSegment();

    TopicSegmenterConfig topicSegmenter();

    interface TopicSegmenterConfig {
        /** Tokens of user messages the sensory buffer collects before it is segmented. */
        @WithDefault("512")
        @Min(16)
        @Max(100_000)
        int bufferLen();

        /**
         * Encoder ONNX model exported with attention outputs ({@code attentions.N}), for the coarse
         * boundaries; without it only the fine (embedding) boundaries are used.
         */
        Optional<String> modelPath();

        /** HF tokenizer.json of that model; required with model-path. */
        Optional<String> tokenizerPath();

        /** Attention layers averaged, 0-based (LightMem: the last four of a 12-layer BERT). */
        @WithDefault("8,9,10,11")
        List<Integer> layers();

        @WithDefault("cpu")
        ExecutionProvider executionProvider();

        /** CUDA device ordinal when execution-provider=cuda. */
        @WithDefault("0")
        @Min(0)
        int deviceId();

        /** Model window in tokens, special tokens included; user text past it gets no attention. */
        @WithDefault("512")
        @Min(8)
        @Max(8192)
        int maxWindowTokens();
    }

    /**
     * The topic segmenter's attention comes from the pre-compressor's model
     * ({@code lightmem.pre-compressor.model-path}), which must then export attentions as well as
     * logits. Needs {@code lightmem.pre-compress=true}.
     */
    @WithDefault("false")
    boolean precompTopicShared();

    /**
     * Token budget of the short-term buffer: buffered topic segments are extracted in one LLM call
     * when the next segment would pass it (tokens of the roles messages-use selects).
     */
    @WithDefault("512")
    @Min(16)
    @Max(100_000)
    int extractThreshold();

    /** Ask the LLM for category, subcategory, keywords and entities of every memory. */
    @WithDefault("false")
    boolean metadataGenerate();

    /** Store the extracted fact as the memory (true) or the source message text (false). */
    @WithDefault("true")
    boolean textSummary();

    /**
     * Compress each message with LLMLingua-2 before it is segmented and extracted (SPEC 1.2).
     * Needs {@code lightmem.pre-compressor.model-path} and {@code .tokenizer-path}.
     */
    @WithDefault("false")
    boolean preCompress();

    PreCompressorConfig preCompressor();

    MemoryManagerConfig memoryManager();

    TextEmbedderConfig textEmbedder();

    EmbeddingRetrieverConfig embeddingRetriever();

    /**
     * Which retrieval indexes this deployment relies on, and so which strategies it serves: a
     * retrieve-strategy (or a request's strategy) it does not cover is refused, at start-up or with
     * INVALID_ARGUMENT. Default {@code hybrid}: the lexical structures cost little next to the
     * embedding every memory gets anyway, and they let every request pick any strategy. In this
     * version the database maintains both regardless (the vector column is required since V1 and
     * consolidation needs it; the tsvector is a generated column so every writer keeps it current),
     * so a narrower value restricts what is served but saves no write work yet.
     */
    @WithDefault("hybrid")
    Strategy indexStrategy();

    /** The strategy a Retrieve request without one uses; must be served by index-strategy. */
    @WithDefault("embedding")
    Strategy retrieveStrategy();

    ContextRetrieverConfig contextRetriever();

    HybridRetrieverConfig hybridRetriever();

    RetrieveConfig retrieve();

    /**
     * When consolidation decisions are taken: {@code offline} (by ConstructUpdateQueue + OfflineUpdate
     * or the scheduler) or {@code online} (for each new entry right after it is stored, too).
     */
    @WithDefault("offline")
    UpdateMode update();

    ConsolidationConfig consolidation();

    enum UpdateMode {
        offline, online
    }

    /** Offline consolidation (SPEC 1.8): defaults of the RPCs' parameters, and its resources. */
    interface ConsolidationConfig {
        /** Nearest earlier entries searched per entry when building the update queue. */
        @WithDefault("20")
        @Min(1)
        @Max(1000)
        int topK();

        /** Of those, how many are kept in the entry's queue; at most top-k. */
        @WithDefault("10")
        @Min(1)
        @Max(1000)
        int keepTopN();

        /** Cosine similarity a queued pair needs for the newer entry to count as a source of the older. */
        @WithDefault("0.8")
        @DecimalMin("-1.0")
        @DecimalMax("1.0")
        double scoreThreshold();

        /** Decisions (LLM calls) in flight at once per run. */
        @WithDefault("4")
        @Min(1)
        @Max(64)
        int parallelism();

        /** Entries whose queues are built by one SQL statement (and committed together). */
        @WithDefault("200")
        @Min(1)
        @Max(10000)
        int batchSize();

        /** How long a run waits for another run of the same user to finish before giving up (ABORTED). */
        @WithDefault("30s")
        Duration lockTimeout();

        ScheduleConfig schedule();

        /** Periodic construct + update for users whose entries changed since their last run. */
        interface ScheduleConfig {
            /** Interval between runs, e.g. {@code 1h}; {@code off} disables it. */
            @WithDefault("off")
            String every();

            /** Quartz cron expression instead of an interval, e.g. {@code 0 0 3 * * ?}; {@code off} disables it. */
            @WithDefault("off")
            String cron();

            /** Users consolidated per scheduled tick at most (the rest wait for the next tick). */
            @WithDefault("100")
            @Min(1)
            int maxUsersPerRun();
        }
    }

    /** Retrieval strategies (SPEC 1.7). */
    enum Strategy {
        /** Cosine nearest neighbours of the query embedding (pgvector HNSW). */
        embedding,
        /** Lexical BM25 over the memory text, computed in PostgreSQL (GIN). */
        context,
        /** Both, fused by reciprocal rank fusion. */
        hybrid;

        /** Whether an instance indexing for this strategy can serve {@code retrieve}. */
        public boolean serves(Strategy retrieve) {
            return this == hybrid || this == retrieve;
        }
    }

    enum MessagesUse {
        user_only, assistant_only, hybrid;

        /** Whether messages of this role feed memory construction. */
        public boolean feeds(Role role) {
            return switch (this) {
                case user_only -> role == Role.user;
                case assistant_only -> role == Role.assistant;
                case hybrid -> true;
            };
        }
    }

    /** The LLM that turns messages into facts. */
    interface MemoryManagerConfig {
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
         * With {@code none}, begin a memory with its speaker's name ("Caroline: I adopted a cat.") so
         * the embedding, the lexical index and a prompt know who said it, whenever the name tells
         * memories apart: a name the message gave, or the roles' default names under messages-use
         * hybrid. original_memory keeps the message text alone; false stores the message text alone.
         */
        @WithDefault("true")
        boolean verbatimSpeaker();

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

    /** The in-process embedding model (ONNX Runtime). */
    interface TextEmbedderConfig {
        /** ONNX model file; unset: the built-in all-MiniLM-L6-v2 shipped in the classpath. */
        Optional<String> modelPath();

        /** HF tokenizer.json of that model; required with model-path. */
        Optional<String> tokenizerPath();

        /** Output dimension; must match the model (and the database column, set at first migration). */
        @WithDefault("384")
        @Min(8)
        @Max(4096)
        int dims();

        @WithDefault("cpu")
        ExecutionProvider executionProvider();

        /** CUDA device ordinal when execution-provider=cuda. */
        @WithDefault("0")
        @Min(0)
        int deviceId();

        /** Texts per ONNX Runtime run. */
        @WithDefault("32")
        @Min(1)
        @Max(1024)
        int batchSize();

        /** Tokens per text; longer texts are truncated (all-MiniLM-L6-v2 was trained on 256). */
        @WithDefault("256")
        @Min(8)
        @Max(8192)
        int maxLength();

        /** ONNX Runtime intra-op threads; 0 lets ONNX Runtime choose. */
        @WithDefault("0")
        @Min(0)
        int intraOpThreads();
    }

    /** The LLMLingua-2 token classifier (ONNX Runtime) used when {@code lightmem.pre-compress=true}. */
    interface PreCompressorConfig {
        /** Token-classification ONNX model (e.g. Optimum's {@code model.onnx}); required with pre-compress. */
        Optional<String> modelPath();

        /** HF tokenizer.json of that model; required with pre-compress. */
        Optional<String> tokenizerPath();

        /** Fraction of the (ranked) words kept: ceil(rate x words); 1.0 keeps every word. */
        @WithDefault("0.8")
        @DecimalMin(value = "0.0", inclusive = false)
        @DecimalMax("1.0")
        double rate();

        /**
         * Tokens always kept. Whitespace tokens (newline) are kept between the words; other tokens
         * are kept where they end a word or form a whole word. Written with escapes: {@code \n} is
         * a newline, {@code \,} a comma. Set to an empty value to force nothing.
         */
        @WithDefault("\\\\n,.,!,?,\\,")
        Optional<List<String>> forceTokens();

        @WithDefault("cpu")
        ExecutionProvider executionProvider();

        /** CUDA device ordinal when execution-provider=cuda. */
        @WithDefault("0")
        @Min(0)
        int deviceId();

        /** Model window in tokens, special tokens included; longer texts are compressed in chunks. */
        @WithDefault("512")
        @Min(4)
        @Max(8192)
        int maxWindowTokens();

        /** Chunks per ONNX Runtime run. */
        @WithDefault("8")
        @Min(1)
        @Max(256)
        int batchSize();

        /** ONNX Runtime intra-op threads; 0 lets ONNX Runtime choose. */
        @WithDefault("0")
        @Min(0)
        int intraOpThreads();
    }

    enum ExecutionProvider {
        cpu, cuda
    }

    /** pgvector HNSW index parameters. */
    interface EmbeddingRetrieverConfig {
        /** HNSW graph degree; used when the index is first built (migration). */
        @WithDefault("16")
        @Min(2)
        @Max(100)
        int hnswM();

        /** HNSW build-time candidate list; used when the index is first built (migration). */
        @WithDefault("64")
        @Min(4)
        @Max(1000)
        int hnswEfConstruction();

        /**
         * HNSW search-time candidate list (hnsw.ef_search) per query; a request may override it
         * within 1..1000 (pgvector's bound). Raised to the request's limit when smaller. 200: the
         * lowest value measured to keep recall@10 near 0.98 when another tenant holds near-duplicates
         * of a user's memories in the shared index (BENCHMARKS.md, Retrieval).
         */
        @WithDefault("200")
        @Min(1)
        @Max(1000)
        int efSearch();
    }

    /** Okapi BM25 parameters of the {@code context} strategy. */
    interface ContextRetrieverConfig {
        /** Term-frequency saturation. */
        @WithDefault("1.2")
        @DecimalMin("0.0")
        @DecimalMax("3.0")
        double k1();

        /** Document-length normalization: 0 none, 1 full. */
        @WithDefault("0.75")
        @DecimalMin("0.0")
        @DecimalMax("1.0")
        double b();

        /**
         * Memories scored per query at most. The query's terms are taken rarest first while the
         * memories holding them number at most this, so the ranking is exact BM25 whenever the query's
         * terms occur in no more memories; beyond that the most common terms (a speaker's name in
         * every other memory) still add to the scores but find no memories (LexicalRepository).
         */
        @WithDefault("1000")
        @Min(10)
        @Max(10_000_000)
        int maxCandidates();
    }

    /** Reciprocal rank fusion of the {@code hybrid} strategy. */
    interface HybridRetrieverConfig {
        /**
         * RRF constant k in 1 / (k + rank); larger flattens the advantage of top ranks. 5 rather than
         * the customary 60 (tuned for fusing many long TREC runs): with two lists this different, the
         * top of each is worth more than agreement deep down; on LoCoMo turns and observations and on
         * LongMemEval it was never worse than 60 and up to 8 points better (BENCHMARKS.md, fusion).
         */
        @WithDefault("5")
        @Min(1)
        @Max(1000)
        int rrfK();

        /** Entries taken from each strategy before fusion (at least the request's limit). */
        @WithDefault("50")
        @Min(1)
        @Max(1000)
        int candidates();
    }

    interface RetrieveConfig {
        /** Memories returned when a request gives no limit. */
        @WithDefault("10")
        @Min(1)
        int defaultLimit();

        /** Largest limit a request may ask for. */
        @WithDefault("100")
        @Min(1)
        @Max(1000)
        int maxLimit();
    }
}
