package io.lightmem.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lightmem.config.LightMemConfigFile.Mapping;
import io.lightmem.config.LightMemConfigFile.Outcome;
import io.lightmem.config.LightMemConfigFile.Verdict;
import io.lightmem.extract.ExtractThreshold;
import io.lightmem.testing.TinyTokenClassifier;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A LightMem configuration file in the seed's JSON shape, key by key: applied, not applied, or refused. */
class LightMemConfigFileTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theSeedsExampleMapsOntoLightmemPropertiesAndNothingIsRefused() throws IOException {
        Mapping mapping = LightMemConfigFile.map(seedExample());

        assertThat(mapping.refused()).isEmpty();
        assertThat(mapping.properties()).containsOnly(
                entry("lightmem.pre-compress", "false"),
                entry("lightmem.pre-compressor.rate", "0.6"),
                // Applied, and unused while pre_compress is false.
                entry("lightmem.pre-compressor.execution-provider", "cuda"),
                entry("lightmem.topic-segment", "true"),
                entry("lightmem.precomp-topic-shared", "false"),
                entry("lightmem.messages-use", "user_only"),
                entry("lightmem.metadata-generate", "true"),
                entry("lightmem.text-summary", "true"),
                entry("lightmem.memory-manager.model-name", "openai"),
                entry("lightmem.memory-manager.configs.model", "gpt-4o-mini"),
                entry("lightmem.memory-manager.configs.max-tokens", "16000"),
                entry("lightmem.extract-threshold", "0.1"),
                entry("lightmem.index-strategy", "embedding"),
                entry("lightmem.text-embedder.dims", "384"),
                entry("lightmem.text-embedder.execution-provider", "cpu"),
                entry("lightmem.retrieve-strategy", "embedding"),
                entry("lightmem.update", "offline"));
        assertThat(mapping.origins()).containsEntry("lightmem.extract-threshold", "extract_threshold");
        // LightMem's 0.1 is LightMem's own buffer: 512 tokens.
        assertThat(ExtractThreshold.parse(mapping.properties().get("lightmem.extract-threshold")).tokens()).isEqualTo(512);
        assertThat(mapping.verdicts()).contains(
                new Verdict("embedding_retriever.model_name", Outcome.NOT_APPLIED,
                        "'qdrant': storage is PostgreSQL+pgvector (quarkus.datasource.*)"),
                new Verdict("text_embedder.configs.model", Outcome.NOT_APPLIED, "the default model here is "
                        + "bge-small-en-v15-q, which found more on the development sets; set "
                        + "lightmem.text-embedder.model=all-minilm-l6-v2 for LightMem's"),
                new Verdict("logging", Outcome.NOT_APPLIED, "logging is Quarkus's (quarkus.log.*)"));
        // Empty keys leave the key to lightmem.* or the environment (OPENAI_API_KEY).
        assertThat(mapping.verdicts()).filteredOn(v -> v.key().equals("memory_manager.configs.api_key"))
                .singleElement().satisfies(v -> assertThat(v.outcome()).isEqualTo(Outcome.NOT_APPLIED));
        // The pre-compressor's model is a hub id, not an ONNX export: harmless while pre_compress is false.
        assertThat(mapping.verdicts()).filteredOn(v -> v.key().equals("pre_compressor.configs.llmlingua_config.model_name"))
                .singleElement().satisfies(v -> assertThat(v.outcome()).isEqualTo(Outcome.NOT_APPLIED));
    }

    @Test
    void whatThisServiceCannotDoIsRefusedWithTheReason() throws IOException {
        Mapping mapping = LightMemConfigFile.map(JSON.readTree("""
                {"pre_compress": true,
                 "pre_compressor": {"model_name": "llmlingua-2", "configs": {"llmlingua_config":
                     {"model_name": "microsoft/llmlingua-2-bert-base-multilingual-cased-meetingbank"}}},
                 "memory_manager": {"model_name": "transformers", "configs": {"model": "Qwen/Qwen2.5-7B-Instruct"}},
                 "text_embedder": {"model_name": "openai"},
                 "kv_cache": true, "graph_mem": false, "extraction_mode": "event",
                 "messages_use": "everything", "extract_threshold": 5,
                 "text_embedder_typo": 1}"""));

        assertThat(mapping.refused()).extracting(Verdict::key).containsExactlyInAnyOrder(
                "pre_compressor.configs.llmlingua_config.model_name", "memory_manager.model_name",
                "text_embedder.model_name", "kv_cache", "extraction_mode", "messages_use", "extract_threshold");
        assertThat(mapping.refused()).filteredOn(v -> v.key().equals("memory_manager.model_name")).singleElement()
                .hasToString("memory_manager.model_name: refused, 'transformers': no LLM runs in this process; serve the"
                        + " model with vLLM or Ollama and use vllm or ollama");
        assertThat(mapping.verdicts()).contains(new Verdict("text_embedder_typo", Outcome.NOT_APPLIED,
                "not a LightMem configuration key this service knows"));
        assertThat(mapping.properties()).doesNotContainKeys("lightmem.messages-use", "lightmem.extract-threshold");
    }

    @Test
    void modelDirectoriesWithAnOnnxExportAndDevicesApply(@TempDir Path dir) throws IOException {
        TinyTokenClassifier.builder().token("Alice", 0.9).write(dir.resolve("llmlingua-2"));
        Mapping mapping = LightMemConfigFile.map(JSON.readTree("""
                {"pre_compress": true,
                 "pre_compressor": {"configs": {"llmlingua_config": {"model_name": "%s", "device_map": "cuda:1"},
                                                "compress_config": {"rate": 0.7, "force_tokens": ["\\n", ",", "."]}}},
                 "memory_manager": {"model_name": "ollama", "configs": {"host": "http://gpu-box:11434",
                                                                       "top_p": 0.1, "api_key": "sk-secret"}}}"""
                .formatted(dir.resolve("llmlingua-2"))));

        assertThat(mapping.refused()).isEmpty();
        assertThat(mapping.properties()).contains(
                entry("lightmem.pre-compressor.model-path", dir.resolve("llmlingua-2/model.onnx").toString()),
                entry("lightmem.pre-compressor.tokenizer-path", dir.resolve("llmlingua-2/tokenizer.json").toString()),
                entry("lightmem.pre-compressor.execution-provider", "cuda"),
                entry("lightmem.pre-compressor.device-id", "1"),
                entry("lightmem.pre-compressor.force-tokens", "\\n,\\,,."),
                entry("lightmem.memory-manager.configs.base-url", "http://gpu-box:11434/v1"),
                entry("lightmem.memory-manager.configs.api-key", "sk-secret"));
        assertThat(mapping.verdicts()).filteredOn(v -> v.key().equals("memory_manager.configs.api_key")).singleElement()
                .hasToString("memory_manager.configs.api_key: applied, lightmem.memory-manager.configs.api-key=****");
        assertThat(mapping.verdicts()).filteredOn(v -> v.key().equals("memory_manager.configs.top_p")).singleElement()
                .satisfies(v -> assertThat(v.outcome()).isEqualTo(Outcome.NOT_APPLIED));
    }

    @Test
    void extractThresholdIsTokensOrLightMemsFraction() {
        assertThat(ExtractThreshold.parse("512").tokens()).isEqualTo(512);
        assertThat(ExtractThreshold.parse("0.1").tokens()).isEqualTo(512);
        assertThat(ExtractThreshold.parse("0.5").tokens()).isEqualTo(2560);
        assertThat(ExtractThreshold.parse("1").tokens()).isEqualTo(5120);
        assertThat(ExtractThreshold.parse("0.001").tokens()).isEqualTo(ExtractThreshold.MIN_TOKENS);
        for (String invalid : new String[] {"0", "-0.1", "5", "1.5", "512.5", "100001", "many"}) {
            assertThatThrownBy(() -> ExtractThreshold.parse(invalid)).as(invalid)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + invalid + "'");
        }
    }

    @Test
    void aFileThatIsNoJsonObjectIsRefusedWhole() throws IOException {
        assertThat(LightMemConfigFile.map(JSON.readTree("[1, 2]")).refused()).extracting(Verdict::key)
                .containsExactly("(file)");
    }

    static JsonNode seedExample() throws IOException {
        try (InputStream in = LightMemConfigFileTest.class.getResourceAsStream("/lightmem/seed-config.json")) {
            return JSON.readTree(in);
        }
    }
}
