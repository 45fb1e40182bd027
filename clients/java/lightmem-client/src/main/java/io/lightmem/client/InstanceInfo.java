package io.lightmem.client;

import java.util.Map;

/**
 * What a service instance runs with.
 *
 * @param config the effective {@code lightmem.*} configuration, secrets shown as "****"
 * @param memoryManager "none", "openai", "deepseek", "vllm" or "ollama"
 */
public record InstanceInfo(Map<String, String> config, String version, String memoryManager) {
}
