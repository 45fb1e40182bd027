package io.lightmem.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.lightmem.client.Calls.Idempotency;
import io.lightmem.v1.AddMemoryRequest;
import io.lightmem.v1.ConstructUpdateQueueRequest;
import io.lightmem.v1.ConstructUpdateQueueResponse;
import io.lightmem.v1.DeleteMemoriesRequest;
import io.lightmem.v1.FlushRequest;
import io.lightmem.v1.GetMemoryRequest;
import io.lightmem.v1.GetTimestampRequest;
import io.lightmem.v1.GetUsageRequest;
import io.lightmem.v1.ListHistoryRequest;
import io.lightmem.v1.ListMemoriesRequest;
import io.lightmem.v1.MemoryServiceGrpc;
import io.lightmem.v1.OfflineUpdateRequest;
import io.lightmem.v1.RetrieveRequest;
import io.lightmem.v1.ShowInstanceRequest;
import io.lightmem.v1.UndoChangeRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A client of the LightMem memory service ({@code lightmem.v1.MemoryService}, gRPC): every call of the
 * service, blocking or as a {@link CompletableFuture}, with a deadline, retries of transient failures
 * ({@link RetryPolicy}) and, on adds, a request id that makes those retries store a message once.
 *
 * <pre>{@code
 * try (LightMemClient memory = LightMemClient.builder().target("localhost:9000").plaintext().build()) {
 *     memory.add("alice", List.of(Message.user("My favorite color is blue.", Instant.now())));
 *     memory.retrieve("alice", "favorite color", 5).forEach(found -> System.out.println(found.formatted()));
 * }
 * }</pre>
 *
 * Failures are {@link LightMemException}s (thrown, or completing the future exceptionally). Instances are
 * thread-safe; share one per service. Closing it closes the channel it made.
 */
public final class LightMemClient implements AutoCloseable {

    private final Calls calls;
    private final Duration deadline;
    private final Runnable closer;

    private LightMemClient(Calls calls, Duration deadline, Runnable closer) {
        this.calls = calls;
        this.deadline = deadline;
        this.closer = closer;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * This client with another deadline for each call (all its attempts included), e.g. a short one for a
     * retrieval on a request path or a long one for an offline update. It shares the connection; closing it
     * does nothing.
     */
    public LightMemClient withDeadline(Duration callDeadline) {
        return new LightMemClient(calls, positive(callDeadline, "deadline"), () -> { });
    }

    // ---- adding

    /** Adds messages of a conversation; returns the memories stored by the call. */
    public List<Memory> add(String userId, List<Message> messages) {
        return await(addAsync(userId, messages));
    }

    public CompletableFuture<List<Memory>> addAsync(String userId, List<Message> messages) {
        return addMemoryAsync(userId, messages, AddOptions.defaults()).thenApply(AddResult::memories);
    }

    /** Adds messages with options; returns everything the service said about it. */
    public AddResult addMemory(String userId, List<Message> messages, AddOptions options) {
        return await(addMemoryAsync(userId, messages, options));
    }

    public CompletableFuture<AddResult> addMemoryAsync(String userId, List<Message> messages, AddOptions options) {
        AddMemoryRequest request = AddMemoryRequest.newBuilder()
                .setUserId(required(userId, "userId"))
                .addAllMessages(Objects.requireNonNull(messages, "messages").stream().map(Protos::message).toList())
                .setForceSegment(options.forceSegment())
                .setForceExtract(options.forceExtract())
                // One id for every attempt of this call: the service accepts it once (AIP-155).
                .setRequestId(options.requestId() != null ? options.requestId() : UUID.randomUUID().toString())
                .build();
        return calls.unary(MemoryServiceGrpc.getAddMemoryMethod(), request, Idempotency.IDEMPOTENT, deadline)
                .thenApply(Protos::addResult);
    }

    /** Extracts what is buffered for a user now. */
    public FlushResult flush(String userId) {
        return await(flushAsync(userId));
    }

    public CompletableFuture<FlushResult> flushAsync(String userId) {
        FlushRequest request = FlushRequest.newBuilder().setUserId(required(userId, "userId")).build();
        return calls.unary(MemoryServiceGrpc.getFlushMethod(), request, Idempotency.IDEMPOTENT, deadline)
                .thenApply(Protos::flushResult);
    }

    // ---- finding

    /** The memories most relevant to a query, best first; {@code limit} 1–100 (0: the service's default). */
    public List<RetrievedMemory> retrieve(String userId, String query, int limit) {
        return await(retrieveAsync(userId, query, limit));
    }

    public CompletableFuture<List<RetrievedMemory>> retrieveAsync(String userId, String query, int limit) {
        return retrieveAsync(userId, query, limit, RetrieveOptions.defaults());
    }

    public List<RetrievedMemory> retrieve(String userId, String query, int limit, RetrieveOptions options) {
        return await(retrieveAsync(userId, query, limit, options));
    }

    public CompletableFuture<List<RetrievedMemory>> retrieveAsync(String userId, String query, int limit,
            RetrieveOptions options) {
        RetrieveRequest.Builder request = RetrieveRequest.newBuilder()
                .setUserId(required(userId, "userId"))
                .setQuery(required(query, "query"))
                .setLimit(limit)
                .setFilter(Protos.filter(options))
                .setStrategy(Protos.strategy(options.strategy()))
                .setEfSearch(options.efSearch());
        if (options.queryTime() != null) {
            request.setQueryTime(Protos.timestamp(options.queryTime()));
        }
        return calls.unary(MemoryServiceGrpc.getRetrieveMethod(), request.build(), Idempotency.IDEMPOTENT, deadline)
                .thenApply(Protos::retrieved);
    }

    /** One memory by id; empty when the user has none with that id. */
    public Optional<Memory> getMemory(String userId, String memoryId) {
        return await(getMemoryAsync(userId, memoryId));
    }

    public CompletableFuture<Optional<Memory>> getMemoryAsync(String userId, String memoryId) {
        GetMemoryRequest request = GetMemoryRequest.newBuilder()
                .setUserId(required(userId, "userId"))
                .setMemoryId(required(memoryId, "memoryId"))
                .build();
        return calls.unary(MemoryServiceGrpc.getGetMemoryMethod(), request, Idempotency.IDEMPOTENT, deadline)
                .handle((response, failure) -> {
                    if (failure == null) {
                        return Optional.of(Protos.memory(response.getEntry()));
                    }
                    if (failure instanceof LightMemException refused
                            && refused.code() == io.grpc.Status.Code.NOT_FOUND) {
                        return Optional.empty();
                    }
                    throw asUnchecked(failure);
                });
    }

    /** A page of a user's memories, oldest first; {@code pageToken} null for the first page. */
    public MemoryPage listMemories(String userId, int pageSize, String pageToken) {
        return await(listMemoriesAsync(userId, pageSize, pageToken));
    }

    public CompletableFuture<MemoryPage> listMemoriesAsync(String userId, int pageSize, String pageToken) {
        ListMemoriesRequest request = ListMemoriesRequest.newBuilder()
                .setUserId(required(userId, "userId"))
                .setPageSize(pageSize)
                .setPageToken(pageToken == null ? "" : pageToken)
                .build();
        return calls.unary(MemoryServiceGrpc.getListMemoriesMethod(), request, Idempotency.IDEMPOTENT, deadline)
                .thenApply(page -> new MemoryPage(Protos.memories(page.getEntriesList()), page.getNextPageToken()));
    }

    // ---- forgetting

    /** Deletes these memories of the user; ids the user does not have are ignored. */
    public DeleteResult deleteMemories(String userId, Collection<String> memoryIds) {
        return await(deleteMemoriesAsync(userId, memoryIds));
    }

    public CompletableFuture<DeleteResult> deleteMemoriesAsync(String userId, Collection<String> memoryIds) {
        DeleteMemoriesRequest request = DeleteMemoriesRequest.newBuilder()
                .setUserId(required(userId, "userId"))
                .addAllMemoryIds(Objects.requireNonNull(memoryIds, "memoryIds"))
                .build();
        return delete(request);
    }

    /** Erases everything held about a user: memories, history, buffered messages, usage. */
    public DeleteResult eraseUser(String userId) {
        return await(eraseUserAsync(userId));
    }

    public CompletableFuture<DeleteResult> eraseUserAsync(String userId) {
        return delete(DeleteMemoriesRequest.newBuilder().setUserId(required(userId, "userId")).setAll(true).build());
    }

    private CompletableFuture<DeleteResult> delete(DeleteMemoriesRequest request) {
        return calls.unary(MemoryServiceGrpc.getDeleteMemoriesMethod(), request, Idempotency.IDEMPOTENT, deadline)
                .thenApply(deleted -> new DeleteResult(deleted.getDeletedMemories(), deleted.getDeletedMessages()));
    }

    // ---- consolidation

    /** Builds every memory's update queue with the service's default sizes (consolidation step 1). */
    public UpdateQueueResult constructUpdateQueue(String userId) {
        return await(constructUpdateQueueAsync(userId, 0, 0));
    }

    /**
     * Builds the update queues: the {@code topK} nearest earlier memories searched per memory, {@code keepTopN}
     * of them kept (0: the service's defaults).
     */
    public UpdateQueueResult constructUpdateQueue(String userId, int topK, int keepTopN) {
        return await(constructUpdateQueueAsync(userId, topK, keepTopN));
    }

    public CompletableFuture<UpdateQueueResult> constructUpdateQueueAsync(String userId, int topK, int keepTopN) {
        ConstructUpdateQueueRequest request = ConstructUpdateQueueRequest.newBuilder()
                .setUserId(required(userId, "userId"))
                .setTopK(topK)
                .setKeepTopN(keepTopN)
                .build();
        return calls.unary(MemoryServiceGrpc.getConstructUpdateQueueMethod(), request, Idempotency.IDEMPOTENT,
                deadline).thenApply(LightMemClient::updateQueueResult);
    }

    private static UpdateQueueResult updateQueueResult(ConstructUpdateQueueResponse built) {
        return new UpdateQueueResult(built.getEntries(), built.getQueueRows(), built.getRunId(),
                Duration.ofMillis(built.getElapsedMs()));
    }

    /**
     * Lets the LLM update or delete memories that newer ones resemble (consolidation step 2), at the service's
     * default threshold.
     */
    public OfflineUpdateResult offlineUpdate(String userId) {
        return await(offlineUpdateAsync(userId, null));
    }

    /** As {@link #offlineUpdate(String)}, counting newer memories of cosine similarity {@code scoreThreshold} or more. */
    public OfflineUpdateResult offlineUpdate(String userId, double scoreThreshold) {
        return await(offlineUpdateAsync(userId, scoreThreshold));
    }

    /** {@code scoreThreshold} null: the service's default. */
    public CompletableFuture<OfflineUpdateResult> offlineUpdateAsync(String userId, Double scoreThreshold) {
        OfflineUpdateRequest.Builder request = OfflineUpdateRequest.newBuilder().setUserId(required(userId, "userId"));
        if (scoreThreshold != null) {
            request.setScoreThreshold(scoreThreshold);
        }
        // Progress is durable on the service: a repeated run decides only what is left.
        return calls.unary(MemoryServiceGrpc.getOfflineUpdateMethod(), request.build(), Idempotency.IDEMPOTENT,
                deadline).thenApply(Protos::offlineUpdateResult);
    }

    /** Recorded changes, newest first: of one memory, or of all of the user's ({@code memoryId} null); limit 0 = 100. */
    public List<MemoryChange> listHistory(String userId, String memoryId, int limit) {
        return await(listHistoryAsync(userId, memoryId, limit));
    }

    public CompletableFuture<List<MemoryChange>> listHistoryAsync(String userId, String memoryId, int limit) {
        ListHistoryRequest request = ListHistoryRequest.newBuilder()
                .setUserId(required(userId, "userId"))
                .setMemoryId(memoryId == null ? "" : memoryId)
                .setLimit(limit)
                .build();
        return calls.unary(MemoryServiceGrpc.getListHistoryMethod(), request, Idempotency.IDEMPOTENT, deadline)
                .thenApply(history -> history.getChangesList().stream().map(Protos::change).toList());
    }

    /** Restores a memory as it was before a change. */
    public UndoResult undoChange(String userId, long changeId) {
        return await(undoChangeAsync(userId, changeId));
    }

    public CompletableFuture<UndoResult> undoChangeAsync(String userId, long changeId) {
        UndoChangeRequest request = UndoChangeRequest.newBuilder()
                .setUserId(required(userId, "userId"))
                .setChangeId(changeId)
                .build();
        // Repeated after a lost answer, an undo that succeeded would fail as "already undone".
        return calls.unary(MemoryServiceGrpc.getUndoChangeMethod(), request, Idempotency.NOT_IDEMPOTENT, deadline)
                .thenApply(undone -> new UndoResult(Protos.memory(undone.getEntry()),
                        Protos.change(undone.getChange())));
    }

    // ---- the instance

    public ServerTime getTimestamp() {
        return await(getTimestampAsync());
    }

    public CompletableFuture<ServerTime> getTimestampAsync() {
        return calls.unary(MemoryServiceGrpc.getGetTimestampMethod(), GetTimestampRequest.getDefaultInstance(),
                Idempotency.IDEMPOTENT, deadline).thenApply(now -> new ServerTime(now.getTimeStamp(), now.getWeekday(),
                        Instant.ofEpochSecond(0, Math.round(now.getEpochSeconds() * 1e9))));
    }

    public InstanceInfo showInstance() {
        return await(showInstanceAsync());
    }

    public CompletableFuture<InstanceInfo> showInstanceAsync() {
        return calls.unary(MemoryServiceGrpc.getShowInstanceMethod(), ShowInstanceRequest.getDefaultInstance(),
                Idempotency.IDEMPOTENT, deadline).thenApply(instance -> new InstanceInfo(
                        java.util.Map.copyOf(instance.getConfigMap()), instance.getVersion(),
                        instance.getMemoryManager()));
    }

    /** LLM calls and tokens spent for a user, per operation. */
    public List<OperationUsage> getUsage(String userId) {
        return await(getUsageAsync(userId));
    }

    public CompletableFuture<List<OperationUsage>> getUsageAsync(String userId) {
        GetUsageRequest request = GetUsageRequest.newBuilder().setUserId(required(userId, "userId")).build();
        return calls.unary(MemoryServiceGrpc.getGetUsageMethod(), request, Idempotency.IDEMPOTENT, deadline)
                .thenApply(usage -> usage.getOperationsList().stream().map(Protos::usage).toList());
    }

    /** Closes the channel this client made (waiting up to 5 s for calls in flight); a given channel stays open. */
    @Override
    public void close() {
        closer.run();
    }

    @Override
    public String toString() {
        return "LightMemClient[deadline=" + deadline + "]";
    }

    /**
     * The future's value, or its failure thrown with this thread's stack trace (the one that helps the
     * caller; the failure was made on a gRPC thread). An interrupt cancels the call.
     */
    private static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw asUnchecked(e.getCause());
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new LightMemException("call", io.grpc.Status.Code.CANCELLED, "interrupted", null, 1, e);
        }
    }

    private static RuntimeException asUnchecked(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof RuntimeException unchecked) {
            unchecked.fillInStackTrace();
            return unchecked;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(cause);
    }

    private static String required(String value, String name) {
        return Objects.requireNonNull(value, name);
    }

    private static Duration positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
        return value;
    }

    /** How to reach the service and how to treat calls: {@link #target} is required; TLS unless {@link #plaintext()}. */
    public static final class Builder {

        private static final int MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

        private String target;
        /** null until chosen: TLS unless plaintext() was called. */
        private Boolean plaintext;
        private Path trustedCertificates;
        private Channel channel;
        private Supplier<String> bearerToken;
        private Duration deadline = Duration.ofSeconds(60);
        private RetryPolicy retryPolicy = RetryPolicy.defaults();

        private Builder() {
        }

        /** The service's gRPC address, "host:port" (or any gRPC target, e.g. "dns:///memory.example:443"). */
        public Builder target(String hostAndPort) {
            this.target = hostAndPort;
            return this;
        }

        /** TLS, trusting the JVM's default certificate authorities. */
        public Builder tls() {
            this.plaintext = false;
            return this;
        }

        /** TLS, trusting the certificate authorities in this PEM file (a private CA, a self-signed certificate). */
        public Builder tls(Path trustedCertificatesPem) {
            this.plaintext = false;
            this.trustedCertificates = trustedCertificatesPem;
            return this;
        }

        /** No TLS: for the local service, or a network that encrypts for you (a service mesh). Never the default. */
        public Builder plaintext() {
            this.plaintext = true;
            return this;
        }

        /**
         * Calls go over this channel (e.g. one the application's framework configured) instead of one the client
         * makes; {@link #target} and the transport settings then do not apply, and closing the client leaves it open.
         */
        public Builder channel(Channel existing) {
            this.channel = existing;
            return this;
        }

        /** Sends {@code authorization: Bearer <token>} with every call. */
        public Builder bearerToken(String token) {
            Objects.requireNonNull(token, "token");
            this.bearerToken = () -> token;
            return this;
        }

        /** As {@link #bearerToken(String)}, asking the supplier on every call (tokens that rotate). */
        public Builder bearerToken(Supplier<String> token) {
            this.bearerToken = Objects.requireNonNull(token, "token");
            return this;
        }

        /** Time allowed for each call, all its attempts included (default 60 s). */
        public Builder deadline(Duration callDeadline) {
            this.deadline = positive(callDeadline, "deadline");
            return this;
        }

        public Builder retryPolicy(RetryPolicy policy) {
            this.retryPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        public LightMemClient build() {
            ManagedChannel owned = null;
            Channel calls = channel;
            if (calls == null) {
                if (target == null || target.isBlank()) {
                    throw new IllegalStateException("target is required, e.g. target(\"localhost:9000\")");
                }
                owned = Grpc.newChannelBuilder(target, credentials())
                        .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                        .userAgent("lightmem-client")
                        .build();
                calls = owned;
            } else if (target != null || plaintext != null) {
                throw new IllegalStateException("channel(...) replaces target and transport; set one or the other");
            }
            CallOptions options = CallOptions.DEFAULT;
            if (bearerToken != null) {
                options = options.withCallCredentials(new BearerToken(bearerToken));
            }
            ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "lightmem-client-retries");
                thread.setDaemon(true);
                return thread;
            });
            ManagedChannel toClose = owned;
            return new LightMemClient(new Calls(calls, options, retryPolicy, retries), deadline, () -> {
                retries.shutdownNow();
                if (toClose != null) {
                    shutDown(toClose);
                }
            });
        }

        private ChannelCredentials credentials() {
            if (Boolean.TRUE.equals(plaintext)) {
                return InsecureChannelCredentials.create();
            }
            if (trustedCertificates == null) {
                return TlsChannelCredentials.create();
            }
            try {
                return TlsChannelCredentials.newBuilder().trustManager(trustedCertificates.toFile()).build();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the trusted certificates " + trustedCertificates, e);
            }
        }

        private static void shutDown(ManagedChannel channel) {
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
}
