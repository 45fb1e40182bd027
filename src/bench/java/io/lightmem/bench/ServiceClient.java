package io.lightmem.bench;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.netty.NettyChannelBuilder;
import io.lightmem.v1.AddMemoryRequest;
import io.lightmem.v1.AddMemoryResponse;
import io.lightmem.v1.DeleteMemoriesRequest;
import io.lightmem.v1.MemoryServiceGrpc;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.lightmem.v1.RetrieveRequest;
import io.lightmem.v1.RetrieveResponse;
import io.lightmem.v1.RetrieveStrategy;
import io.lightmem.v1.ShowInstanceRequest;
import java.util.concurrent.TimeUnit;

/** A gRPC client of a running LightMem (plaintext, e.g. 127.0.0.1:9000). */
final class ServiceClient implements AutoCloseable {

    private final ManagedChannel channel;
    private final MemoryServiceBlockingStub stub;

    ServiceClient(String target) {
        String[] hostPort = target.split(":");
        NettyChannelBuilder builder = NettyChannelBuilder.forAddress(hostPort[0], Integer.parseInt(hostPort[1]))
                .usePlaintext().maxInboundMessageSize(64 * 1024 * 1024);
        // The key deploy/local/bench.sh starts the service with (authentication is on, as in production).
        String key = System.getenv("LIGHTMEM_KEY");
        if (key != null && !key.isBlank()) {
            Metadata authorization = new Metadata();
            authorization.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
            builder.intercept(MetadataUtils.newAttachHeadersInterceptor(authorization));
        }
        this.channel = builder.build();
        this.stub = MemoryServiceGrpc.newBlockingStub(channel);
    }

    AddMemoryResponse add(AddMemoryRequest request) {
        return stub.withDeadlineAfter(10, TimeUnit.MINUTES).addMemory(request);
    }

    RetrieveResponse retrieve(String userId, String query, int limit, RetrieveStrategy strategy, int efSearch) {
        return retrieve(userId, query, limit, strategy, efSearch, null);
    }

    /** As above, asked at {@code queryTime} (the request's query_time; null: when the service receives it). */
    RetrieveResponse retrieve(String userId, String query, int limit, RetrieveStrategy strategy, int efSearch,
            java.time.Instant queryTime) {
        return stub.withDeadlineAfter(60, TimeUnit.SECONDS).retrieve(asked(RetrieveRequest.newBuilder().setUserId(userId)
                .setQuery(query).setLimit(limit).setStrategy(strategy).setEfSearch(efSearch), queryTime).build());
    }

    private static RetrieveRequest.Builder asked(RetrieveRequest.Builder request, java.time.Instant queryTime) {
        return queryTime == null ? request : request.setQueryTime(timestamp(queryTime));
    }

    /** Erases everything held about the user (a benchmark's scratch scope). */
    void erase(String userId) {
        stub.withDeadlineAfter(10, TimeUnit.MINUTES).deleteMemories(
                DeleteMemoriesRequest.newBuilder().setUserId(userId).setAll(true).build());
    }

    /** As {@link #retrieve}, among the memories of one speaker (the filter's speaker_name). */
    RetrieveResponse retrieveOfSpeaker(String userId, String query, int limit, RetrieveStrategy strategy,
            String speakerName, java.time.Instant queryTime) {
        return stub.withDeadlineAfter(60, TimeUnit.SECONDS).retrieve(asked(RetrieveRequest.newBuilder().setUserId(userId)
                .setQuery(query).setLimit(limit).setStrategy(strategy)
                .setFilter(io.lightmem.v1.RetrieveFilter.newBuilder().setSpeakerName(speakerName)), queryTime).build());
    }

    /** As {@link #retrieve}, among the memories said in [from, to) only (the request's own time filter). */
    RetrieveResponse retrieveWithin(String userId, String query, int limit, RetrieveStrategy strategy,
            java.time.Instant from, java.time.Instant to) {
        return stub.withDeadlineAfter(60, TimeUnit.SECONDS).retrieve(RetrieveRequest.newBuilder().setUserId(userId)
                .setQuery(query).setLimit(limit).setStrategy(strategy)
                .setFilter(io.lightmem.v1.RetrieveFilter.newBuilder().setTimeFrom(timestamp(from)).setTimeTo(timestamp(to)))
                .build());
    }

    private static com.google.protobuf.Timestamp timestamp(java.time.Instant instant) {
        return com.google.protobuf.Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano())
                .build();
    }

    /** Whether the service begins verbatim memories with their speaker's name (ShowInstance). */
    boolean speakerNamed() {
        return !"false".equals(stub.withDeadlineAfter(30, TimeUnit.SECONDS).showInstance(
                ShowInstanceRequest.getDefaultInstance()).getConfigMap()
                .get("lightmem.memory-manager.verbatim-speaker"));
    }

    /** The service's configuration as ShowInstance gives it (secrets masked), recorded with each result. */
    java.util.Map<String, String> config() {
        return new java.util.TreeMap<>(stub.withDeadlineAfter(30, TimeUnit.SECONDS).showInstance(
                ShowInstanceRequest.getDefaultInstance()).getConfigMap());
    }

    static RetrieveStrategy strategy(String name) {
        return RetrieveStrategy.valueOf("RETRIEVE_STRATEGY_" + name.toUpperCase());
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdown().awaitTermination(5, TimeUnit.SECONDS);
    }
}
