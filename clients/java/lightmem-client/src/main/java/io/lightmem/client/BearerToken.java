package io.lightmem.client;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/** Sends {@code authorization: Bearer <token>} with every call; the token is asked for per call, so it may rotate. */
final class BearerToken extends CallCredentials {

    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);

    private final Supplier<String> token;

    BearerToken(Supplier<String> token) {
        this.token = token;
    }

    @Override
    public void applyRequestMetadata(RequestInfo requestInfo, Executor appExecutor, MetadataApplier applier) {
        String value;
        try {
            value = token.get();
        } catch (RuntimeException e) {
            applier.fail(Status.UNAUTHENTICATED.withDescription("the bearer token supplier failed").withCause(e));
            return;
        }
        if (value == null || value.isBlank()) {
            applier.fail(Status.UNAUTHENTICATED.withDescription("the bearer token supplier gave no token"));
            return;
        }
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + value);
        applier.apply(headers);
    }

    @Override
    public String toString() {
        return "BearerToken[****]";
    }
}
