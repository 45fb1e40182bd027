package io.lightmem.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * JSON requests (functions, CloudEvents, MCP tool arguments) say what they mean: a fraction where a
 * whole number belongs, {@code "limit": 2.5}, is refused with the field's name instead of being
 * silently cut to 2, as gRPC refuses it too.
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    }
}
