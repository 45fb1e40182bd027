package io.lightmem.config;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/** {@code lightmem.config-file}: a LightMem configuration in the seed's JSON shape (README, "LightMem configuration"). */
@ConfigMapping(prefix = "lightmem")
public interface ConfigFileConfig {

    /**
     * Path of a LightMem configuration file (the dict LightMemory.from_config takes, as JSON); its keys
     * are mapped onto lightmem.* ({@link LightMemConfigFileSource}, read by SmallRye Config before this
     * mapping exists).
     */
    Optional<String> configFile();
}
