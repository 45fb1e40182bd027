package io.lightmem.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.ZoneId;

/** {@code lightmem.default-time-zone}: the zone of time stamps written without one (docs/design.md, "Messages and normalization"). */
@ConfigMapping(prefix = "lightmem")
public interface TimeZoneConfig {

    /**
     * Zone of a message time, filter time or date written without an offset, and of the server's
     * "now" (GetTimestamp, an add_memory without a timestamp): a region such as {@code Asia/Tokyo}
     * (daylight saving applied per date) or a fixed offset such as {@code +09:00}.
     */
    @WithDefault("UTC")
    ZoneId defaultTimeZone();
}
