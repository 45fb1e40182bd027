package io.lightmem.testing;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import io.lightmem.v1.AdminServiceGrpc;
import io.lightmem.v1.CreateApiKeyRequest;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Credentials as clients present them: the authorization metadata of gRPC stubs, and API keys issued for a test. */
public final class Credentials {

    public static final List<String> MEMORY_SCOPES = List.of("memories:read", "memories:write", "memories:erase",
            "consolidate");
    public static final List<String> ALL_SCOPES = List.of("memories:read", "memories:write", "memories:erase",
            "consolidate", "admin", "models");

    private Credentials() {
    }

    public static ManagedChannel channel(int port) {
        return ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    /** A channel whose every call presents the credential. */
    public static ManagedChannel channel(int port, String credential) {
        return ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
                .intercept(MetadataUtils.newAttachHeadersInterceptor(authorization(credential))).build();
    }

    static Metadata authorization(String credential) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + credential);
        return headers;
    }

    /** The stub sending {@code authorization: Bearer <credential>}; the stub as it is for null. */
    public static <S extends AbstractStub<S>> S bearer(S stub, String credential) {
        S timed = stub.withDeadlineAfter(60, TimeUnit.SECONDS);
        if (credential == null) {
            return timed;
        }
        return timed.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(authorization(credential)));
    }

    /** A new API key issued by the administrator credential. */
    public static String issue(ManagedChannel channel, String admin, String tenant, String userIdPrefix,
            List<String> scopes) {
        return bearer(AdminServiceGrpc.newBlockingStub(channel), admin).createApiKey(CreateApiKeyRequest.newBuilder()
                .setName("test key")
                .setTenantId(tenant == null ? "" : tenant)
                .setUserIdPrefix(userIdPrefix == null ? "" : userIdPrefix)
                .addAllScopes(scopes)
                .build()).getKey();
    }
}
