package io.lightmem.config;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Says at start-up what became of every key of the LightMem configuration file, and stops the start
 * when a key asks for what this service cannot do (README, "LightMem configuration").
 */
@ApplicationScoped
@Startup(ConfigFileReport.EARLY)
public class ConfigFileReport {

    /** Before the other start-up beans: a refused file should be the first thing an operator reads. */
    static final int EARLY = Integer.MIN_VALUE + 100;

    private static final Logger LOG = Logger.getLogger(ConfigFileReport.class);

    private final Optional<LightMemConfigFileSource> source;

    public ConfigFileReport(Config config, ConfigFileConfig file) {
        this.source = fileSource(config);
        source.ifPresent(ConfigFileReport::report);
        if (file.configFile().isPresent() && source.isEmpty()) {
            // Read at build time only (e.g. set in a build-time profile): say so rather than run without it.
            throw new IllegalStateException("lightmem.config-file " + file.configFile().get() + " was not read at start-up");
        }
    }

    /** The LightMem configuration file among the configuration's sources, if one is named. */
    public static Optional<LightMemConfigFileSource> fileSource(Config config) {
        for (org.eclipse.microprofile.config.spi.ConfigSource candidate : config.getConfigSources()) {
            if (candidate instanceof LightMemConfigFileSource file) {
                return Optional.of(file);
            }
        }
        return Optional.empty();
    }

    private static void report(LightMemConfigFileSource file) {
        LightMemConfigFile.Mapping mapping = file.mapping();
        for (LightMemConfigFile.Verdict verdict : mapping.verdicts()) {
            if (verdict.outcome() == LightMemConfigFile.Outcome.APPLIED) {
                LOG.infof("%s: %s", file.file(), verdict);
            } else {
                LOG.warnf("%s: %s", file.file(), verdict);
            }
        }
        if (!mapping.refused().isEmpty()) {
            throw new IllegalStateException("lightmem.config-file " + file.file() + " asks for what this service cannot"
                    + " do; change or remove these keys: " + mapping.refused().stream().map(Object::toString)
                            .collect(Collectors.joining("; ")));
        }
    }

    /** The file in effect, if one is. */
    public Optional<LightMemConfigFileSource> source() {
        return source;
    }
}
