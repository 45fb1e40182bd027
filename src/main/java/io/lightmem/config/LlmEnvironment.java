package io.lightmem.config;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The environment variables a LightMem user already has for an LLM backend (README, "LightMem
 * configuration"): when {@code lightmem.memory-manager.configs.api-key} or {@code .base-url} is set
 * neither as a property nor in the LightMem configuration file, it is taken from the backend's usual
 * variable — {@code OPENAI_API_KEY} / {@code OPENAI_BASE_URL}, {@code DEEPSEEK_API_KEY} /
 * {@code DEEPSEEK_BASE_URL}, {@code VLLM_API_KEY}, {@code OLLAMA_HOST} — and without a
 * {@code model-name}, {@code OPENAI_API_KEY} chooses openai and, failing that, {@code DEEPSEEK_API_KEY}
 * deepseek. Such a value carries the variable's name as its source ({@link #SOURCE_PREFIX}), which
 * ShowInstance shows. {@code lightmem.memory-manager.read-environment=false} turns this off (the
 * tests do, so that a developer's own key is never used by them).
 */
@Priority(Priorities.APPLICATION + 100)
public class LlmEnvironment implements ConfigSourceInterceptor {

    /** Source name prefix of the values taken from an environment variable. */
    public static final String SOURCE_PREFIX = "environment variable ";

    static final String ENABLED = "lightmem.memory-manager.read-environment";
    static final String MODEL_NAME = "lightmem.memory-manager.model-name";
    static final String API_KEY = "lightmem.memory-manager.configs.api-key";
    static final String BASE_URL = "lightmem.memory-manager.configs.base-url";

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (!name.equals(MODEL_NAME) && !name.equals(API_KEY) && !name.equals(BASE_URL)) {
            return value;
        }
        if (isSet(value) || !enabled(context)) {
            return value;
        }
        return fromEnvironment(context, name).orElse(value);
    }

    @Override
    public Iterator<String> iterateNames(ConfigSourceInterceptorContext context) {
        List<String> names = new ArrayList<>();
        context.iterateNames().forEachRemaining(names::add);
        if (enabled(context)) {
            for (String name : List.of(MODEL_NAME, API_KEY, BASE_URL)) {
                if (!names.contains(name) && fromEnvironment(context, name).isPresent()) {
                    names.add(name);
                }
            }
        }
        return names.iterator();
    }

    private static Optional<ConfigValue> fromEnvironment(ConfigSourceInterceptorContext context, String name) {
        String backend = backend(context);
        if (name.equals(MODEL_NAME)) {
            // Only the choice OPENAI_API_KEY would not make on its own (openai follows from any key).
            return backend.equals("deepseek") && !isSet(context.proceed(API_KEY)) && !isSet(context.proceed(BASE_URL))
                    ? Optional.of(derived(name, "deepseek", "DEEPSEEK_API_KEY"))
                    : Optional.empty();
        }
        String variable = switch (backend) {
            case "openai" -> name.equals(API_KEY) ? "OPENAI_API_KEY" : firstSet(context, "OPENAI_BASE_URL", "OPENAI_API_BASE");
            case "deepseek" -> name.equals(API_KEY) ? "DEEPSEEK_API_KEY" : "DEEPSEEK_BASE_URL";
            case "vllm" -> name.equals(API_KEY) ? "VLLM_API_KEY" : null;
            case "ollama" -> name.equals(API_KEY) ? null : "OLLAMA_HOST";
            default -> null;
        };
        if (variable == null) {
            return Optional.empty();
        }
        ConfigValue found = context.proceed(variable);
        if (!isSet(found)) {
            return Optional.empty();
        }
        String text = found.getValue().strip();
        if (variable.equals("OLLAMA_HOST")) {
            // Ollama's own variable is host[:port] or a URL; its OpenAI-compatible API is under /v1.
            text = (text.contains("://") ? text : "http://" + text).replaceAll("/+$", "") + "/v1";
        }
        return Optional.of(derived(name, text, variable));
    }

    /** The backend in effect for the environment: the configured one, else the one whose key is set. */
    private static String backend(ConfigSourceInterceptorContext context) {
        ConfigValue configured = context.proceed(MODEL_NAME);
        if (isSet(configured)) {
            return configured.getValue().strip().toLowerCase(Locale.ROOT);
        }
        if (isSet(context.proceed("OPENAI_API_KEY")) || isSet(context.proceed(API_KEY))
                || isSet(context.proceed(BASE_URL))) {
            return "openai";
        }
        return isSet(context.proceed("DEEPSEEK_API_KEY")) ? "deepseek" : "none";
    }

    private static String firstSet(ConfigSourceInterceptorContext context, String... variables) {
        for (String variable : variables) {
            if (isSet(context.proceed(variable))) {
                return variable;
            }
        }
        return variables[0];
    }

    private static boolean enabled(ConfigSourceInterceptorContext context) {
        ConfigValue enabled = context.proceed(ENABLED);
        return !isSet(enabled) || Boolean.parseBoolean(enabled.getValue().strip());
    }

    private static boolean isSet(ConfigValue value) {
        return value != null && value.getValue() != null && !value.getValue().isBlank();
    }

    private static ConfigValue derived(String name, String value, String variable) {
        return ConfigValue.builder()
                .withName(name)
                .withValue(value)
                .withRawValue(value)
                .withConfigSourceName(SOURCE_PREFIX + variable)
                .build();
    }
}
