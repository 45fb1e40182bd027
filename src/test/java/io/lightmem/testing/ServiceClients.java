package io.lightmem.testing;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.lightmem.v1.MemoryServiceGrpc;
import io.quarkus.grpc.GrpcClient;
import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import java.lang.reflect.Field;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;

/**
 * The clients of an integration test, which has no injected beans: it fills the test's
 * {@code @GrpcClient} MemoryService stubs (Quarkus fills them in a {@code @QuarkusTest}) with stubs on
 * a channel to the started artifact, and is the one place where the credentials every client sends
 * are decided ({@link #credentials()}: gRPC metadata here, RestAssured's default request, the
 * CloudEvents client).
 */
public final class ServiceClients implements TestInstancePostProcessor, AfterAllCallback {

    /** Longest a call may take; a service that stops answering fails the test instead of hanging it. */
    private static final long CALL_DEADLINE_SECONDS = 60;

    private ManagedChannel channel;

    /**
     * The bootstrap key the started artifact gets ({@link ApiRoleResource}): its administrator, so that
     * the tests written for the JVM build (which runs them with authentication off) pass unchanged
     * against an artifact that authenticates, as in production.
     */
    static final String API_KEY = "integration-tests-" + UUID.randomUUID();

    /** Headers every request to the service carries: the bearer key (ignored where authentication is off). */
    public static Map<String, String> credentials() {
        return Map.of("Authorization", "Bearer " + API_KEY);
    }

    /** The service's gRPC port: the test port, which {@link ApiRoleResource} gives the started artifact too. */
    public static int grpcPort() {
        return ConfigProvider.getConfig().getValue("quarkus.grpc.server.test-port", Integer.class);
    }

    /** A channel to the service that sends the credentials and a deadline on every call; the caller closes it. */
    public static ManagedChannel channel() {
        return ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort()).usePlaintext()
                .intercept(new CredentialsAndDeadline()).build();
    }

    @Override
    public void postProcessTestInstance(Object test, ExtensionContext context) throws IllegalAccessException {
        RestAssured.requestSpecification = new RequestSpecBuilder().addHeaders(credentials()).build();
        for (Class<?> type = test.getClass(); type != Object.class; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (field.isAnnotationPresent(GrpcClient.class) && field.getType() == MemoryServiceBlockingStub.class) {
                    field.setAccessible(true);
                    if (field.get(test) == null) {
                        field.set(test, MemoryServiceGrpc.newBlockingStub(sharedChannel()));
                    }
                }
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            channel = null;
        }
    }

    private synchronized Channel sharedChannel() {
        if (channel == null) {
            channel = channel();
        }
        return channel;
    }

    private static final class CredentialsAndDeadline implements ClientInterceptor {

        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            CallOptions withDeadline = options.getDeadline() == null
                    ? options.withDeadlineAfter(CALL_DEADLINE_SECONDS, TimeUnit.SECONDS) : options;
            return new SimpleForwardingClientCall<>(next.newCall(method, withDeadline)) {
                @Override
                public void start(Listener<R> listener, Metadata headers) {
                    credentials().forEach((name, value) ->
                            headers.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), value));
                    super.start(listener, headers);
                }
            };
        }
    }
}
