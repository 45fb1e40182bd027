package io.lightmem.model.remote;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.Optional;

/** {@code lightmem.models.*}: the client of the model service, used in role api. */
@ConfigMapping(prefix = "lightmem.models")
public interface ModelServiceConfig {

    /** {@code host:port} of the model service (plaintext gRPC, h2c); required in role api. */
    Optional<String> endpoint();

    /**
     * The credential this instance presents to the model service (env LIGHTMEM_MODELS_API_KEY): the
     * model service's bootstrap key. Required in role api when the model service authenticates.
     */
    Optional<String> apiKey();

    /**
     * Role all: also serve lightmem.v1.ModelService to other instances on the gRPC port. Role models
     * always serves it, role api never; off by default so the public port of an all-in-one instance
     * offers the memory API only.
     */
    @WithDefault("false")
    boolean serve();

    /** Deadline of one call (one attempt); a retry gets a new one. */
    @WithDefault("10s")
    Duration deadline();

    /** Attempts per call when the service is UNAVAILABLE or misses the deadline (1 = no retry). */
    @WithDefault("3")
    @Min(1)
    @Max(10)
    int maxAttempts();

    /** Wait before the first retry; doubled for each next one, up to max-backoff, with +-20% jitter. */
    @WithDefault("200ms")
    Duration initialBackoff();

    @WithDefault("2s")
    Duration maxBackoff();

    /** Texts sent in one call at most (calls are also kept under 3 MiB of text). */
    @WithDefault("64")
    @Min(1)
    @Max(1024)
    int batchSize();
}
