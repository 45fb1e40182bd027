package io.lightmem.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A LightMem configuration in the seed's JSON shape ({@code pre_compress}, {@code memory_manager},
 * {@code extract_threshold}, …, as LightMemory.from_config takes it) mapped onto {@code lightmem.*}
 * (README, "LightMem configuration"). Every key gets a verdict: applied (the properties it sets),
 * not applied (this service does that its own way; the start goes on), or refused (this service
 * cannot do what the key asks, and going on would change what memories are made of: the start stops).
 */
public final class LightMemConfigFile {

    /** What became of one key of the file. */
    public enum Outcome { APPLIED, NOT_APPLIED, REFUSED }

    /** @param key the key's path in the file, e.g. {@code memory_manager.configs.model} */
    public record Verdict(String key, Outcome outcome, String detail) {
        @Override
        public String toString() {
            return key + ": " + switch (outcome) {
                case APPLIED -> "applied" + (detail.isEmpty() ? "" : ", " + detail);
                case NOT_APPLIED -> "not applied, " + detail;
                case REFUSED -> "refused, " + detail;
            };
        }
    }

    /**
     * @param properties the lightmem.* properties the file sets
     * @param origins for each property, the file key it came from
     */
    public record Mapping(Map<String, String> properties, Map<String, String> origins, List<Verdict> verdicts) {

        public List<Verdict> refused() {
            return verdicts.stream().filter(v -> v.outcome() == Outcome.REFUSED).toList();
        }
    }

    private static final String STORAGE = "storage is PostgreSQL+pgvector (quarkus.datasource.*)";
    private static final Pattern CUDA = Pattern.compile("cuda(?::(\\d+))?");
    /** all-MiniLM-L6-v2 by its hub id or as the last part of a path: the embedder built in here. */
    private static final Pattern MINILM = Pattern.compile("(?i)(.*/)?all-MiniLM-L6-v2/?");
    private static final Set<String> SECRETS = Set.of("memory_manager.configs.api_key");

    private final Map<String, String> properties = new LinkedHashMap<>();
    private final Map<String, String> origins = new LinkedHashMap<>();
    private final List<Verdict> verdicts = new ArrayList<>();
    private final JsonNode root;

    private LightMemConfigFile(JsonNode root) {
        this.root = root;
    }

    /** Maps a parsed file; a file that is not a JSON object is one refused key, {@code (file)}. */
    public static Mapping map(JsonNode root) {
        LightMemConfigFile file = new LightMemConfigFile(root);
        if (root == null || !root.isObject()) {
            file.refuse("(file)", "a LightMem configuration is a JSON object");
        } else {
            file.mapAll();
        }
        return new Mapping(Map.copyOf(file.properties), Map.copyOf(file.origins), List.copyOf(file.verdicts));
    }

    private void mapAll() {
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = field.getKey();
            JsonNode value = field.getValue();
            if (value.isNull()) {
                verdicts.add(new Verdict(key, Outcome.APPLIED, "null: the default"));
                continue;
            }
            switch (key) {
                case "pre_compress" -> bool(key, value, "lightmem.pre-compress");
                case "pre_compressor" -> preCompressor(value);
                case "topic_segment" -> bool(key, value, "lightmem.topic-segment");
                case "precomp_topic_shared" -> bool(key, value, "lightmem.precomp-topic-shared");
                case "topic_segmenter" -> topicSegmenter(value);
                case "messages_use" -> choice(key, value, "lightmem.messages-use", "user_only", "assistant_only", "hybrid");
                case "metadata_generate" -> bool(key, value, "lightmem.metadata-generate");
                case "text_summary" -> bool(key, value, "lightmem.text-summary");
                case "memory_manager" -> memoryManager(value);
                case "extract_threshold" -> extractThreshold(key, value);
                case "index_strategy" -> choice(key, value, "lightmem.index-strategy", "embedding", "context", "hybrid");
                case "text_embedder" -> textEmbedder(value);
                case "retrieve_strategy" -> choice(key, value, "lightmem.retrieve-strategy", "embedding", "context", "hybrid");
                case "context_retriever" -> contextRetriever(value);
                case "embedding_retriever" -> embeddingRetriever(value);
                case "update" -> choice(key, value, "lightmem.update", "offline", "online");
                case "multimodal_embedder" -> refuse(key, "memories here are text: no image embedder");
                case "kv_cache" -> flagThatMustBeOff(key, value, "no KV cache is precomputed here");
                case "graph_mem" -> flagThatMustBeOff(key, value, "memories are not organized as a graph here");
                case "extraction_mode" -> {
                    if ("flat".equals(value.asText())) {
                        verdicts.add(new Verdict(key, Outcome.APPLIED, "flat: facts as independent memories, as here"));
                    } else {
                        refuse(key, "'" + value.asText() + "': only flat extraction (independent facts) is built");
                    }
                }
                case "history_db_path" -> notApplied(key, "history is the memory_history table in PostgreSQL");
                case "kv_cache_path" -> notApplied(key, "no KV cache is precomputed here");
                case "summary_retriever" -> notApplied(key, "no separate summary store: " + STORAGE);
                case "version" -> notApplied(key, "informational");
                case "logging" -> notApplied(key, "logging is Quarkus's (quarkus.log.*)");
                default -> notApplied(key, "not a LightMem configuration key this service knows");
            }
        }
    }

    // ---- sections

    private void preCompressor(JsonNode section) {
        boolean on = root.path("pre_compress").asBoolean(false);
        String model = section.path("model_name").asText("llmlingua-2");
        if (!model.equals("llmlingua-2")) {
            refuseIf(on, "pre_compressor.model_name", "'" + model + "': the pre-compressor is LLMLingua-2 (llmlingua-2)");
        } else if (section.has("model_name")) {
            verdicts.add(new Verdict("pre_compressor.model_name", Outcome.APPLIED, "LLMLingua-2 on ONNX Runtime"));
        }
        JsonNode configs = section.path("configs");
        JsonNode lingua = configs.path("llmlingua_config");
        if (lingua.has("model_name")) {
            modelDirectory("pre_compressor.configs.llmlingua_config.model_name", lingua.get("model_name").asText(), on,
                    "lightmem.pre-compressor");
        }
        if (lingua.has("device_map")) {
            device("pre_compressor.configs.llmlingua_config.device_map", lingua.get("device_map"), on,
                    "lightmem.pre-compressor");
        }
        if (lingua.has("use_llmlingua2") && !lingua.get("use_llmlingua2").asBoolean(true)) {
            refuseIf(on, "pre_compressor.configs.llmlingua_config.use_llmlingua2", "false: only LLMLingua-2 is built");
        }
        JsonNode batch = configs.path("llmlingua2_config").path("max_batch_size");
        if (!batch.isMissingNode()) {
            number("pre_compressor.configs.llmlingua2_config.max_batch_size", batch, "lightmem.pre-compressor.batch-size");
        }
        if (configs.path("llmlingua2_config").has("max_force_token")) {
            notApplied("pre_compressor.configs.llmlingua2_config.max_force_token",
                    "forced tokens are lightmem.pre-compressor.force-tokens");
        }
        JsonNode compress = configs.path("compress_config");
        if (compress.has("rate")) {
            number("pre_compressor.configs.compress_config.rate", compress.get("rate"), "lightmem.pre-compressor.rate");
        }
        if (compress.has("target_token") && compress.get("target_token").asInt(-1) != -1) {
            refuseIf(on, "pre_compressor.configs.compress_config.target_token",
                    "compression keeps a rate of words (rate), not a token target");
        }
        if (compress.has("instruction") && !compress.get("instruction").asText("").isEmpty()) {
            notApplied("pre_compressor.configs.compress_config.instruction", "LLMLingua-2 reads no instruction");
        }
        if (compress.path("force_tokens").isArray()) {
            List<String> tokens = new ArrayList<>();
            compress.get("force_tokens").forEach(t -> tokens.add(t.asText().replace("\\", "\\\\").replace("\n", "\\n")
                    .replace(",", "\\,")));
            set("pre_compressor.configs.compress_config.force_tokens", "lightmem.pre-compressor.force-tokens",
                    String.join(",", tokens));
        }
    }

    private void topicSegmenter(JsonNode section) {
        String model = section.path("model_name").asText("llmlingua-2");
        boolean on = root.path("topic_segment").asBoolean(false);
        if (!model.equals("llmlingua-2")) {
            refuseIf(on, "topic_segmenter.model_name", "'" + model + "': the segmenter is LightMem's (llmlingua-2)");
        } else if (section.has("model_name")) {
            verdicts.add(new Verdict("topic_segmenter.model_name", Outcome.APPLIED, "attention boundaries from the"
                    + " LLMLingua-2 model with precomp_topic_shared, embedding boundaries otherwise"));
        }
        section.path("configs").fields().forEachRemaining(field -> {
            String key = "topic_segmenter.configs." + field.getKey();
            if (field.getKey().equals("buffer_len")) {
                number(key, field.getValue(), "lightmem.topic-segmenter.buffer-len");
            } else {
                notApplied(key, "not a setting of the segmenter here (lightmem.topic-segmenter.*)");
            }
        });
    }

    private void memoryManager(JsonNode section) {
        String backend = section.path("model_name").asText("openai");
        switch (backend) {
            case "openai", "deepseek", "vllm", "ollama" -> set("memory_manager.model_name",
                    "lightmem.memory-manager.model-name", backend);
            case "transformers", "vllm_offline" -> refuse("memory_manager.model_name", "'" + backend + "': no LLM runs"
                    + " in this process; serve the model with vLLM or Ollama and use vllm or ollama");
            default -> refuse("memory_manager.model_name", "'" + backend + "' is none of openai, deepseek, vllm, ollama");
        }
        section.path("configs").fields().forEachRemaining(field -> {
            String key = "memory_manager.configs." + field.getKey();
            JsonNode value = field.getValue();
            if (value.isNull() || (value.isTextual() && value.asText().isEmpty())) {
                notApplied(key, "empty: left to lightmem.* or the environment (" + envHint(field.getKey()) + ")");
                return;
            }
            switch (field.getKey()) {
                case "model" -> set(key, "lightmem.memory-manager.configs.model", value.asText());
                case "api_key" -> set(key, "lightmem.memory-manager.configs.api-key", value.asText());
                case "max_tokens" -> number(key, value, "lightmem.memory-manager.configs.max-tokens");
                case "temperature" -> number(key, value, "lightmem.memory-manager.configs.temperature");
                case "openai_base_url", "deepseek_base_url", "vllm_base_url", "llm_base_url" -> set(key,
                        "lightmem.memory-manager.configs.base-url", value.asText());
                case "host" -> {
                    if (backend.equals("ollama")) {
                        set(key, "lightmem.memory-manager.configs.base-url", value.asText().replaceAll("/+$", "") + "/v1");
                    } else {
                        notApplied(key, "a local model's host; the base URL of " + backend + " is its *_base_url");
                    }
                }
                default -> notApplied(key, "not a setting of the OpenAI-compatible client here"
                        + " (lightmem.memory-manager.configs.*)");
            }
        });
    }

    private void extractThreshold(String key, JsonNode value) {
        if (!value.isNumber()) {
            refuse(key, "must be a number, got " + value);
            return;
        }
        double threshold = value.asDouble();
        if (threshold <= 0 || threshold > 1) {
            refuse(key, value.asText() + " is outside LightMem's (0, 1]");
            return;
        }
        set(key, "lightmem.extract-threshold", value.asText());
    }

    private void textEmbedder(JsonNode section) {
        String backend = section.path("model_name").asText("huggingface");
        if (!backend.equals("huggingface")) {
            refuse("text_embedder.model_name", "'" + backend + "': embeddings are computed here, by an ONNX export of a"
                    + " Hugging Face model (huggingface)");
        }
        section.path("configs").fields().forEachRemaining(field -> {
            String key = "text_embedder.configs." + field.getKey();
            JsonNode value = field.getValue();
            switch (field.getKey()) {
                case "model" -> {
                    String name = value.asText();
                    if (!hasOnnxExport(Path.of(name)) && MINILM.matcher(name.replace('\\', '/')).matches()) {
                        // LightMem's own default, which its configuration always names; here another model is.
                        notApplied(key, "the default model here is bge-small-en-v15-q, which found more on the "
                                + "development sets; set lightmem.text-embedder.model=all-minilm-l6-v2 for LightMem's");
                    } else {
                        modelDirectory(key, name, true, "lightmem.text-embedder");
                    }
                }
                case "embedding_dims" -> number(key, value, "lightmem.text-embedder.dims");
                case "model_kwargs" -> {
                    if (value.has("device")) {
                        device(key + ".device", value.get("device"), true, "lightmem.text-embedder");
                    }
                }
                default -> notApplied(key, "not a setting of the embedder here (lightmem.text-embedder.*)");
            }
        });
    }

    private void contextRetriever(JsonNode section) {
        String model = section.path("model_name").asText("BM25");
        if (!model.equals("BM25")) {
            refuse("context_retriever.model_name", "'" + model + "': the context strategy is BM25");
        }
        section.path("configs").fields().forEachRemaining(field -> {
            String key = "context_retriever.configs." + field.getKey();
            switch (field.getKey()) {
                case "k1" -> number(key, field.getValue(), "lightmem.context-retriever.k1");
                case "b" -> number(key, field.getValue(), "lightmem.context-retriever.b");
                default -> notApplied(key, "BM25 runs in PostgreSQL over English stemmed lexemes");
            }
        });
    }

    private void embeddingRetriever(JsonNode section) {
        notApplied("embedding_retriever.model_name", "'" + section.path("model_name").asText("qdrant") + "': "
                + STORAGE);
        section.path("configs").fields().forEachRemaining(field -> {
            String key = "embedding_retriever.configs." + field.getKey();
            if (field.getKey().equals("embedding_model_dims")) {
                JsonNode dims = root.path("text_embedder").path("configs").path("embedding_dims");
                if (!dims.isMissingNode() && dims.asInt() != field.getValue().asInt()) {
                    refuse(key, field.getValue().asInt() + " differs from text_embedder.configs.embedding_dims "
                            + dims.asInt());
                } else {
                    verdicts.add(new Verdict(key, Outcome.APPLIED, "the vector column has the embedder's dimension"));
                }
            } else {
                notApplied(key, STORAGE);
            }
        });
    }

    // ---- values

    /** A directory holding an ONNX export (model.onnx or onnx/model.onnx) and its tokenizer.json. */
    private void modelDirectory(String key, String value, boolean needed, String prefix) {
        Path directory = Path.of(value);
        if (hasOnnxExport(directory)) {
            set(key, prefix + ".model-path", onnxModel(directory).toString());
            set(key, prefix + ".tokenizer-path", directory.resolve("tokenizer.json").toString());
        } else {
            refuseIf(needed, key, "'" + value + "' is no directory with an ONNX export (model.onnx and tokenizer.json);"
                    + " no model is downloaded at run time: export it with Hugging Face Optimum (docs/compression.md)");
        }
    }

    private static boolean hasOnnxExport(Path directory) {
        return Files.isRegularFile(onnxModel(directory)) && Files.isRegularFile(directory.resolve("tokenizer.json"));
    }

    /** Where Optimum's export puts the model: model.onnx, or onnx/model.onnx in a hub-style directory. */
    private static Path onnxModel(Path directory) {
        Path nested = directory.resolve("onnx").resolve("model.onnx");
        return Files.isRegularFile(nested) ? nested : directory.resolve("model.onnx");
    }

    private void device(String key, JsonNode value, boolean needed, String prefix) {
        String device = value.asText();
        Matcher cuda = CUDA.matcher(device);
        if (device.equals("cpu")) {
            set(key, prefix + ".execution-provider", "cpu");
        } else if (cuda.matches()) {
            set(key, prefix + ".execution-provider", "cuda");
            if (cuda.group(1) != null) {
                set(key, prefix + ".device-id", cuda.group(1));
            }
        } else {
            refuseIf(needed, key, "'" + device + "': the device is cpu, cuda or cuda:N");
        }
    }

    private void bool(String key, JsonNode value, String property) {
        if (value.isBoolean()) {
            set(key, property, value.asText());
        } else {
            refuse(key, "must be true or false, got " + value);
        }
    }

    private void number(String key, JsonNode value, String property) {
        if (value.isNumber()) {
            set(key, property, value.asText());
        } else {
            refuse(key, "must be a number, got " + value);
        }
    }

    private void choice(String key, JsonNode value, String property, String... allowed) {
        if (List.of(allowed).contains(value.asText()) && value.isTextual()) {
            set(key, property, value.asText());
        } else {
            refuse(key, value + " is none of " + String.join(", ", allowed));
        }
    }

    private void flagThatMustBeOff(String key, JsonNode value, String reason) {
        if (value.isBoolean() && !value.asBoolean()) {
            verdicts.add(new Verdict(key, Outcome.APPLIED, "false, as here"));
        } else {
            refuse(key, reason);
        }
    }

    private void set(String key, String property, String value) {
        properties.put(property, value);
        origins.put(property, key);
        verdicts.add(new Verdict(key, Outcome.APPLIED, property + "=" + (SECRETS.contains(key) ? "****" : value)));
    }

    private void notApplied(String key, String reason) {
        verdicts.add(new Verdict(key, Outcome.NOT_APPLIED, reason));
    }

    private void refuse(String key, String reason) {
        verdicts.add(new Verdict(key, Outcome.REFUSED, reason));
    }

    /** Refused when the component it configures is on; otherwise not applied, since nothing uses it. */
    private void refuseIf(boolean needed, String key, String reason) {
        if (needed) {
            refuse(key, reason);
        } else {
            notApplied(key, reason + " (unused while the component is off)");
        }
    }

    private static String envHint(String key) {
        return switch (key) {
            case "api_key" -> "OPENAI_API_KEY, DEEPSEEK_API_KEY, …";
            case "openai_base_url" -> "OPENAI_BASE_URL";
            case "deepseek_base_url" -> "DEEPSEEK_BASE_URL";
            default -> "defaults";
        };
    }
}
