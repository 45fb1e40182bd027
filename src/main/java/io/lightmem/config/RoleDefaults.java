package io.lightmem.config;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;
import java.util.Map;

/**
 * Settings that follow from {@code lightmem.role}, so that one variable, LIGHTMEM_ROLE=models, is
 * enough to run a model service without a database: no scheduled consolidation, no rate limit, no database
 * password (the schema migration and the readiness check skip the database in that role themselves). The datasource itself stays active but is never
 * used, so it never connects: deactivating it ({@code quarkus.datasource.active=false}) would fail
 * the start, since the repositories inject it directly.
 */
@Priority(Priorities.APPLICATION)
public class RoleDefaults implements ConfigSourceInterceptor {

    static final Map<String, String> MODELS_ROLE = Map.of(
            // Consolidation needs the database: a schedule in a ConfigMap shared by all roles stays
            // with the api instances.
            "lightmem.consolidation.schedule.every", "off",
            "lightmem.consolidation.schedule.cron", "off",
            // Its callers are the deployment's api instances, each carrying the traffic of all its users
            // (whose credentials the api instances rate-limit): a per-credential limit here turned a busy api
            // instance's adds into failures (bench native, 2026-12-06).
            "lightmem.auth.rate-limit.requests-per-second", "0",
            // The datasource is configured but never connects; production requires a password otherwise.
            "quarkus.datasource.password", "unused-without-a-database");

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        String forced = MODELS_ROLE.get(name);
        if (forced == null) {
            return context.proceed(name);
        }
        ConfigValue role = context.proceed("lightmem.role");
        if (role == null || !RoleConfig.InstanceRole.models.name().equals(role.getValue())) {
            return context.proceed(name);
        }
        // Not even read: the configured value may be an expression that cannot be expanded without a database.
        return ConfigValue.builder()
                .withName(name)
                .withValue(forced)
                // Quarkus records build-time-read values by their raw form.
                .withRawValue(forced)
                .withConfigSourceName("lightmem.role=models (io.lightmem.config.RoleDefaults)")
                .build();
    }
}
