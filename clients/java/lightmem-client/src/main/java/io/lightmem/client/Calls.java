package io.lightmem.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs unary calls with a deadline for the whole call and the retry policy: each attempt is a new gRPC
 * call on the same request (so an add's request_id is the same on every attempt), retries are scheduled
 * rather than slept, and no retry starts that the deadline would cut off.
 */
final class Calls {

    /** Whether a call may be repeated after an {@code UNAVAILABLE}, whose request may have been served. */
    enum Idempotency {
        /** Repeating it changes nothing more (reads, deletions, adds with a request_id). */
        IDEMPOTENT,
        /** A lost answer cannot be told from a failure: only {@code ABORTED} (refused, nothing done) is retried. */
        NOT_IDEMPOTENT
    }

    private final Channel channel;
    private final CallOptions options;
    private final RetryPolicy retry;
    private final ScheduledExecutorService scheduler;

    Calls(Channel channel, CallOptions options, RetryPolicy retry, ScheduledExecutorService scheduler) {
        this.channel = channel;
        this.options = options;
        this.retry = retry;
        this.scheduler = scheduler;
    }

    <Q, R> CompletableFuture<R> unary(MethodDescriptor<Q, R> method, Q request, Idempotency idempotency,
            Duration timeout) {
        CompletableFuture<R> result = new CompletableFuture<>();
        AtomicReference<ClientCall<Q, R>> current = new AtomicReference<>();
        result.whenComplete((value, failure) -> {
            ClientCall<Q, R> call = current.get();
            if (result.isCancelled() && call != null) {
                call.cancel("cancelled by the caller", null);
            }
        });
        attempt(method, request, idempotency, Deadline.after(timeout.toNanos(), TimeUnit.NANOSECONDS), 1, current,
                result);
        return result;
    }

    private <Q, R> void attempt(MethodDescriptor<Q, R> method, Q request, Idempotency idempotency, Deadline deadline,
            int attempt, AtomicReference<ClientCall<Q, R>> current, CompletableFuture<R> result) {
        if (result.isDone()) {
            return; // cancelled while waiting to retry
        }
        ClientCall<Q, R> call = channel.newCall(method, options.withDeadline(deadline));
        current.set(call);
        try {
            ClientCalls.asyncUnaryCall(call, request, new StreamObserver<>() {
                private R value;

                @Override
                public void onNext(R response) {
                    value = response;
                }

                @Override
                public void onError(Throwable failure) {
                    Status.Code code = Status.fromThrowable(failure).getCode();
                    if (retries(code, idempotency) && attempt < retry.maxAttempts()) {
                        Duration wait = retry.backoff(attempt, ThreadLocalRandom.current().nextDouble());
                        if (deadline.timeRemaining(TimeUnit.NANOSECONDS) > wait.toNanos()) {
                            retryLater(wait, () -> attempt(method, request, idempotency, deadline, attempt + 1,
                                    current, result), method, failure, attempt, result);
                            return;
                        }
                    }
                    result.completeExceptionally(
                            LightMemException.of(method.getBareMethodName(), failure, attempt));
                }

                @Override
                public void onCompleted() {
                    result.complete(value);
                }
            });
        } catch (RuntimeException e) {
            // the call could not start (the channel shut down, …): on a retry no one else would end the future
            result.completeExceptionally(LightMemException.of(method.getBareMethodName(), e, attempt));
        }
    }

    private void retryLater(Duration wait, Runnable next, MethodDescriptor<?, ?> method, Throwable failure,
            int attempt, CompletableFuture<?> result) {
        try {
            scheduler.schedule(() -> {
                // The channel backs off its reconnects on its own (1 s and growing); without this reset the
                // retry would meet that wait instead of the policy's, and fail at once.
                if (channel instanceof ManagedChannel managed) {
                    managed.resetConnectBackoff();
                }
                next.run();
            }, wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
            result.completeExceptionally(LightMemException.of(method.getBareMethodName(), failure, attempt));
        }
    }

    private static boolean retries(Status.Code code, Idempotency idempotency) {
        return code == Status.Code.ABORTED
                || (code == Status.Code.UNAVAILABLE && idempotency == Idempotency.IDEMPOTENT);
    }
}
