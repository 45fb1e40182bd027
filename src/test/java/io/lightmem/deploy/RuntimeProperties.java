package io.lightmem.deploy;

import io.quarkus.runtime.annotations.ConfigPhase;
import io.quarkus.runtime.annotations.ConfigRoot;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.ConfigMappings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The configuration properties a deployment can set at run time, from the configuration mappings
 * themselves: the application's {@code lightmem*} {@link ConfigMapping}s and every Quarkus extension's
 * run-time config roots (listed in each extension's {@code META-INF/quarkus-config-roots.list}).
 * Build-time properties are left out on purpose: set in a ConfigMap they would have no effect.
 */
public final class RuntimeProperties {

    /** The mapping method behind each lightmem property (for its type and constraints). */
    private final Map<String, java.lang.reflect.Method> lightmemMethods = new LinkedHashMap<>();
    /** Defaults the mappings declare, by property name. */
    private final Map<String, String> defaults = new LinkedHashMap<>();
    /** Properties without a map key, by their exact environment variable name. */
    private final Map<String, String> exact = new LinkedHashMap<>();
    /** Property name patterns ({@code *} = a map key) by the environment variable regex they answer to. */
    private final Map<Pattern, String> withKeys = new LinkedHashMap<>();

    public static RuntimeProperties load() {
        RuntimeProperties properties = new RuntimeProperties();
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        for (Class<?> mapping : lightmemMappings(loader)) {
            properties.addMapping(mapping);
        }
        for (Class<?> root : quarkusRuntimeRoots(loader)) {
            properties.addMapping(root);
        }
        return properties;
    }

    /** The property an environment variable sets, or null when it sets none. */
    String propertyOf(String envName) {
        String property = exact.get(envName);
        if (property != null) {
            return property;
        }
        return withKeys.entrySet().stream().filter(e -> e.getKey().matcher(envName).matches())
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }

    public Set<String> names() {
        Set<String> names = new TreeSet<>(exact.values());
        names.addAll(withKeys.values());
        return Collections.unmodifiableSet(names);
    }

    private void addMapping(Class<?> type) {
        ConfigMapping mapping = type.getAnnotation(ConfigMapping.class);
        ConfigMappings.getProperties(ConfigMappings.ConfigClass.configClass(type, mapping.prefix())).forEach((name, p) -> {
            add(name);
            if (name.startsWith("lightmem.") && p.getMethod() != null) {
                lightmemMethods.putIfAbsent(name, p.getMethod());
            }
            if (p.hasDefaultValue()) {
                defaults.putIfAbsent(name, p.getDefaultValue());
            }
        });
    }

    /**
     * Why a value would stop the application at start-up, or null if it is acceptable: checked for
     * lightmem.* properties against the mapping's type (enum, boolean, integer) and its @Min/@Max.
     */
    String invalidValue(String property, String value) {
        java.lang.reflect.Method method = lightmemMethods.get(property);
        if (method == null) {
            return null;
        }
        Class<?> type = method.getReturnType();
        if (type == java.util.Optional.class && method.getGenericReturnType() instanceof java.lang.reflect.ParameterizedType p
                && p.getActualTypeArguments()[0] instanceof Class<?> inner) {
            type = inner;
        }
        if (type.isEnum()) {
            for (Object constant : type.getEnumConstants()) {
                if (((Enum<?>) constant).name().equals(value)) {
                    return null;
                }
            }
            return "'" + value + "' is none of " + java.util.Arrays.toString(type.getEnumConstants());
        }
        if (type == boolean.class || type == Boolean.class) {
            return value.equals("true") || value.equals("false") ? null : "'" + value + "' is not a boolean";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            long number;
            try {
                number = Long.parseLong(value);
            } catch (NumberFormatException e) {
                return "'" + value + "' is not an integer";
            }
            jakarta.validation.constraints.Min min = method.getAnnotation(jakarta.validation.constraints.Min.class);
            jakarta.validation.constraints.Max max = method.getAnnotation(jakarta.validation.constraints.Max.class);
            if (min != null && number < min.value() || max != null && number > max.value()) {
                return value + " is outside " + (min == null ? "" : min.value()) + ".." + (max == null ? "" : max.value());
            }
        }
        return null;
    }

    /**
     * The value a production run of the packaged application uses when the deployment sets nothing:
     * application.properties (%prod or unprofiled), else the mapping's default.
     */
    String productionValue(String property) {
        java.util.Properties file = new java.util.Properties();
        try (var in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
            file.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String value = file.getProperty("%prod." + property, file.getProperty(property));
        return value != null ? value : defaults.get(property);
    }

    private void add(String property) {
        if (property.contains("*")) {
            withKeys.putIfAbsent(Pattern.compile(envRegex(property)), property);
        } else {
            exact.putIfAbsent(envRegex(property), property);
        }
    }

    /** SmallRye's environment form: non-alphanumerics become '_', upper case; a map key is any segment. */
    static String envRegex(String property) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < property.length(); i++) {
            char c = property.charAt(i);
            if (property.startsWith("[*]", i)) {
                regex.append("_[0-9]+_");
                i += 2;
            } else if (c == '*') {
                regex.append("[A-Z0-9_]+");
            } else if (Character.isLetterOrDigit(c)) {
                regex.append(Character.toUpperCase(c));
            } else {
                regex.append('_');
            }
        }
        return regex.toString();
    }

    /** The application's lightmem* mappings, found in every class directory (main and test) on the class path. */
    private static List<Class<?>> lightmemMappings(ClassLoader loader) {
        List<Class<?>> mappings = new ArrayList<>();
        try {
            for (URL root : Collections.list(loader.getResources("io/lightmem"))) {
                if (!"file".equals(root.getProtocol())) {
                    continue;
                }
                Path base = Path.of(root.toURI()).getParent().getParent();
                try (Stream<Path> files = Files.walk(base.resolve("io/lightmem"))) {
                    for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                        String name = base.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                        Class<?> type = Class.forName(name, false, loader);
                        ConfigMapping mapping = type.getAnnotation(ConfigMapping.class);
                        if (type.isInterface() && mapping != null && mapping.prefix().startsWith("lightmem")) {
                            mappings.add(type);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException | URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (mappings.isEmpty()) {
            throw new IllegalStateException("no lightmem @ConfigMapping found on the class path");
        }
        return mappings;
    }

    private static List<Class<?>> quarkusRuntimeRoots(ClassLoader loader) {
        List<Class<?>> roots = new ArrayList<>();
        try {
            for (URL list : Collections.list(loader.getResources("META-INF/quarkus-config-roots.list"))) {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(list.openStream(), StandardCharsets.UTF_8))) {
                    for (String line : in.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList()) {
                        Class<?> type = Class.forName(line, false, loader);
                        ConfigRoot root = type.getAnnotation(ConfigRoot.class);
                        if (root != null && root.phase() == ConfigPhase.RUN_TIME && type.isAnnotationPresent(ConfigMapping.class)) {
                            roots.add(type);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        return roots;
    }
}
