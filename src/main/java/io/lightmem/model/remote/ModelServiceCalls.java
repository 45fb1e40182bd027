package io.lightmem.model.remote;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.lightmem.FailedPreconditionException;
import io.lightmem.UnavailableException;
import io.lightmem.v1.ModelServiceGrpc;
import io.lightmem.v1.ModelServiceGrpc.ModelServiceBlockingStub;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The transport to {@code lightmem.v1.ModelService}: one plaintext HTTP/2 channel, a deadline per
 * attempt, retries with exponential backoff on UNAVAILABLE and DEADLINE_EXCEEDED, and the
 * translation of what still fails into the service's exceptions ({@link UnavailableException}
 * after the retries). Knows nothing of the models. Thread-safe.
 */
final class ModelServiceCalls implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ModelServiceCalls.class);
    /** Attention of many sentences is large (n^2 / 2 doubles); answers up to this size are accepted. */
    private static final int MAX_ANSWER_BYTES = 64 << 20;

    private final ModelServiceClient.Settings settings;
    private final Backoff backoff;
    private final ManagedChannel channel;
    private final ModelServiceBlockingStub stub;

    ModelServiceCalls(ModelServiceClient.Settings settings) {
        this.settings = settings;
        this.backoff = new Backoff(settings.initialBackoff(), settings.maxBackoff());
        // Plaintext HTTP/2 (h2c): inside a cluster, as Knative serves gRPC. Netty directly, not the
        // ServiceLoader-chosen transport, so the JVM and the native image use the same one.
        this.channel = NettyChannelBuilder.forTarget(settings.endpoint())
                .usePlaintext()
                .maxInboundMessageSize(MAX_ANSWER_BYTES)
                .keepAliveTime(30, TimeUnit.SECONDS)
                .build();
        ModelServiceBlockingStub plain = ModelServiceGrpc.newBlockingStub(channel);
        if (settings.apiKey() == null) {
            this.stub = plain;
        } else {
            Metadata credential = new Metadata();
            credential.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + settings.apiKey());
            this.stub = plain.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(credential));
        }
    }

    String endpoint() {
        return settings.endpoint();
    }

    /** One call with the configured attempts and deadline. */
    <T> T call(String method, Function<ModelServiceBlockingStub, T> rpc) {
        return call(method, settings.maxAttempts(), settings.deadline(), rpc);
    }

    /** One call with at most {@code attempts} attempts of {@code deadline} each. */
    <T> T call(String method, int attempts, Duration deadline, Function<ModelServiceBlockingStub, T> rpc) {
        Status.Code previous = null;
        for (int attempt = 1;; attempt++) {
            try {
                if (previous != null) {
                    reconnectNow(previous == Status.Code.DEADLINE_EXCEEDED, deadline);
                }
                return rpc.apply(stub.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS));
            } catch (StatusRuntimeException e) {
                Status.Code code = e.getStatus().getCode();
                boolean transient_ = code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED;
                if (!transient_ || attempt >= attempts) {
                    throw translate(method, e, attempt);
                }
                previous = code;
                Duration wait = backoff.before(attempt, ThreadLocalRandom.current().nextDouble());
                LOG.debugf("model service at %s: %s failed with %s (attempt %d of %d), retrying in %d ms", endpoint(),
                        method, code, attempt, attempts, wait.toMillis());
                try {
                    Thread.sleep(wait.toMillis(), wait.toNanosPart() % 1_000_000);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new UnavailableException("interrupted while waiting to retry " + method + " at the model service "
                            + endpoint(), e);
                }
            }
        }
    }

    /**
     * Before a retry: makes the channel try to connect now and waits (at most {@code max}) until
     * that try is over, so the retry reaches a service that came back during the backoff. Left
     * alone, the channel would fail the retry at once on its last failure while it waits out its
     * own reconnect backoff (1 s and more), or keep waiting on a connection whose handshake never
     * completed ({@code stuck}: the last attempt ran into its deadline while connecting).
     */
    private void reconnectNow(boolean stuck, Duration max) {
        if (stuck && channel.getState(false) == ConnectivityState.CONNECTING) {
            channel.enterIdle();
        }
        channel.resetConnectBackoff();
        ConnectivityState state = channel.getState(true);
        long until = System.nanoTime() + max.toNanos();
        boolean moved = false;
        while (state != ConnectivityState.READY && !(moved && state == ConnectivityState.TRANSIENT_FAILURE)
                && state != ConnectivityState.SHUTDOWN) {
            long left = until - System.nanoTime();
            if (left <= 0) {
                return;
            }
            CountDownLatch changed = new CountDownLatch(1);
            channel.notifyWhenStateChanged(state, changed::countDown);
            try {
                if (!changed.await(left, TimeUnit.NANOSECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            ConnectivityState next = channel.getState(true);
            moved |= next != state;
            state = next;
        }
    }

    private RuntimeException translate(String method, StatusRuntimeException e, int attempts) {
        Status status = e.getStatus();
        String detail = status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription());
        return switch (status.getCode()) {
            case UNAVAILABLE, DEADLINE_EXCEEDED -> new UnavailableException("the model service at " + endpoint()
                    + " is unavailable: " + method + " failed " + attempts + (attempts == 1 ? " time" : " times")
                    + ", last with " + detail, e);
            // A model service that limits this instance's credential: transient, like a busy service.
            case RESOURCE_EXHAUSTED, ABORTED -> new UnavailableException("the model service at " + endpoint()
                    + " is busy: " + method + " failed with " + detail, e);
            case UNIMPLEMENTED -> new FailedPreconditionException(endpoint() + " does not serve lightmem.v1.ModelService/"
                    + method + " (" + detail + "): lightmem.models.endpoint must name an instance in role models or all");
            case FAILED_PRECONDITION -> new FailedPreconditionException("the model service at " + endpoint() + " cannot "
                    + method + ": " + status.getDescription());
            // A deployment fault, not the caller's: this instance cannot use its model service until its key is fixed.
            case UNAUTHENTICATED, PERMISSION_DENIED -> new UnavailableException("the model service at " + endpoint()
                    + " refused this instance's credential (" + detail + "): set lightmem.models.api-key"
                    + " (LIGHTMEM_MODELS_API_KEY) to the model service's lightmem.auth.bootstrap-key", e);
            default -> new IllegalStateException("the model service at " + endpoint() + " failed " + method + ": "
                    + detail, e);
        };
    }

    @Override
    public void close() {
        channel.shutdown();
        try {
            if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            channel.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

}
