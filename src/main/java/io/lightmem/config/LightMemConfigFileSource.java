package io.lightmem.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.common.MapBackedConfigSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * The lightmem.* properties of the LightMem configuration file named by {@code lightmem.config-file}
 * ({@link LightMemConfigFile}). Its ordinal, {@value #ORDINAL}, puts it above application.properties
 * (250) and below environment variables (300) and system properties (400): the file replaces the
 * defaults, and a lightmem.* setting given as a variable or property still overrides the file.
 */
public final class LightMemConfigFileSource extends MapBackedConfigSource {

    static final int ORDINAL = 255;
    /** The start of this source's name (the file's path follows). */
    public static final String NAME_PREFIX = "LightMem configuration file ";
    static final String PROPERTY = "lightmem.config-file";

    private final Path file;
    private final LightMemConfigFile.Mapping mapping;

    LightMemConfigFileSource(Path file, LightMemConfigFile.Mapping mapping) {
        super(NAME_PREFIX + file, mapping.properties(), ORDINAL);
        this.file = file;
        this.mapping = mapping;
    }

    public Path file() {
        return file;
    }

    public LightMemConfigFile.Mapping mapping() {
        return mapping;
    }

    /** Reads the file named by lightmem.config-file, if one is; registered in META-INF/services. */
    public static final class Factory implements ConfigSourceFactory {

        @Override
        public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
            ConfigValue named = context.getValue(PROPERTY);
            if (named == null || named.getValue() == null || named.getValue().isBlank()) {
                return List.of();
            }
            Path file = Path.of(named.getValue().strip());
            String text;
            try {
                text = Files.readString(file);
            } catch (IOException e) {
                throw new IllegalArgumentException(PROPERTY + ": cannot read " + file.toAbsolutePath() + ": " + e, e);
            }
            try {
                return List.of(new LightMemConfigFileSource(file, LightMemConfigFile.map(new ObjectMapper().readTree(text))));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(PROPERTY + ": " + file + " is not JSON: " + e.getOriginalMessage(), e);
            }
        }
    }
}
