package io.lightmem.ingest;

import io.agroal.api.AgroalDataSource;
import io.lightmem.UnavailableException;
import io.lightmem.UserIds;
import io.lightmem.compress.Compression;
import io.lightmem.compress.Compressor;
import io.lightmem.config.LightMemConfig;
import io.lightmem.config.LightMemConfig.MessagesUse;
import io.lightmem.consolidate.Consolidator;
import io.lightmem.extract.Extraction;
import io.lightmem.extract.ExtractionException;
import io.lightmem.extract.MemoryManager;
import io.lightmem.extract.Segment;
import io.lightmem.model.Embedder;
import io.lightmem.model.TokenCounter;
import io.lightmem.observe.ServiceMetrics;
import io.lightmem.observe.Spans;
import io.lightmem.segment.TopicSegmenter;
import io.lightmem.store.Acceptance;
import io.lightmem.store.LoggedMessage;
import io.lightmem.store.MemoryEntry;
import io.lightmem.store.MessageLogRepository;
import io.lightmem.store.NewMemory;
import io.lightmem.store.NewMessage;
import io.lightmem.store.RequestKey;
import io.lightmem.store.StorageException;
import io.lightmem.store.UserLocks;
import io.opentelemetry.api.common.Attributes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Where memories are born: accept messages into the durable log, segment them by topic when
 * the sensory buffer fills (SPEC 1.3), then extract the buffered segments whose time has come
 * (SPEC 1.4). Accepting and processing are
 * separate steps so that a message, once accepted, survives any failure after it; a failed batch
 * stays pending and is retried by the next add or flush.
 */
@ApplicationScoped
public class MemoryIngestor {

    private static final Logger LOG = Logger.getLogger(MemoryIngestor.class);
    /** How long an add waits for another add of the same user to finish processing. */
    private static final Duration USER_LOCK_TIMEOUT = Duration.ofSeconds(30);

    private final MessageLogRepository messageLog;
    private final MemoryManager memoryManager;
    private final Embedder embedder;
    private final TokenCounter tokenCounter;
    private final Compressor compressor;
    /** Present when lightmem.topic-segment is on; otherwise each add is one segment. */
    private final Optional<TopicSegmenter> segmenter;
    private final MemoryWriter writer;
    private final ServiceMetrics metrics;
    private final Spans spans;
    private final AgroalDataSource dataSource;
    private final MessagesUse messagesUse;
    private final int bufferLen;
    private final int extractThreshold;
    private final int maxBatchMessages;
    private final Consolidator consolidator;

    public MemoryIngestor(MessageLogRepository messageLog, MemoryManager memoryManager, Embedder embedder,
            TokenCounter tokenCounter, Compressor compressor, Instance<TopicSegmenter> segmenter, MemoryWriter writer,
            ServiceMetrics metrics, Spans spans, AgroalDataSource dataSource, Consolidator consolidator,
            LightMemConfig config) {
        this.messageLog = messageLog;
        this.memoryManager = memoryManager;
        this.embedder = embedder;
        this.tokenCounter = tokenCounter;
        this.compressor = compressor;
        this.segmenter = config.topicSegment() ? Optional.of(segmenter.get()) : Optional.empty();
        this.writer = writer;
        this.metrics = metrics;
        this.spans = spans;
        this.dataSource = dataSource;
        this.messagesUse = config.messagesUse();
        this.bufferLen = config.topicSegmenter().bufferLen();
        this.extractThreshold = config.extractThreshold();
        this.maxBatchMessages = config.memoryManager().maxBatchMessages();
        this.consolidator = consolidator;
    }

    /**
     * Validates and accepts the messages, then extracts what the buffer releases.
     *
     * @param requestId the caller's id for this request, or null; a retry with the same id and
     *        messages is answered with the first acceptance's message ids and accepts nothing again
     * @param forceSegment segment everything in the sensory buffer now, closing the open topic
     * @param forceExtract extract everything buffered now (segmenting it first)
     *
     * @throws io.lightmem.InvalidArgumentException for bad input (nothing is stored)
     * @throws StorageException when the messages cannot be accepted (nothing is stored)
     */
    public AddResult add(String userId, String requestId, List<MessageInput> messages, boolean forceSegment,
            boolean forceExtract) {
        return metrics.timeAdd(() -> spans.run("add", Attributes.builder()
                .put("lightmem.messages", messages == null ? 0 : messages.size()).build(), () -> {
                    UserIds.require("user_id", userId);
                    List<NormalizedMessage> normalized = MessageNormalizer.normalize(messages);
                    RequestKey request = RequestIds.key(requestId, normalized);
                    // A retry is recognized before the models are asked to compress and count again.
                    Optional<Acceptance> earlier = request == null ? Optional.empty()
                            : messageLog.accepted(userId, request.requestId());
                    Acceptance acceptance = earlier.orElseGet(() -> spans.run("accept",
                            () -> messageLog.append(userId, request, compressed(normalized), segmenter.isEmpty())));
                    List<Long> ids = RequestIds.messageIds(request, acceptance);
                    if (acceptance.repeated()) {
                        metrics.repeatedRequest();
                    }
                    return process(userId, ids, acceptance.repeated(), forceSegment, forceExtract);
                }));
    }

    /** Pre-compresses each message (when enabled) and counts the tokens extraction will read. */
    private List<NewMessage> compressed(List<NormalizedMessage> messages) {
        List<Compression> compressions = compressor.enabled()
                ? spans.run("compress", () -> compressor.compress(messages.stream().map(NormalizedMessage::content)
                        .toList()))
                : null;
        List<String> compressedTexts = new ArrayList<>(messages.size());
        List<String> read = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            // A failed compression keeps the original text (the compressor logs and counts it).
            String compressedText = compressions == null || compressions.get(i).failed() ? null
                    : compressions.get(i).text();
            compressedTexts.add(compressedText);
            read.add(compressedText == null ? messages.get(i).content() : compressedText);
        }
        // All counts in one call: with a remote model service, one round trip per add.
        List<Integer> tokens = tokenCounter.countTokens(read);
        List<NewMessage> accepted = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            accepted.add(new NewMessage(messages.get(i), compressedTexts.get(i), tokens.get(i)));
        }
        return accepted;
    }

    /** Extracts everything buffered for the user now, e.g. after a batch was deferred. */
    public AddResult flush(String userId) {
        UserIds.require("user_id", userId);
        return spans.run("flush", () -> process(userId, List.of(), false, true, true));
    }

    private AddResult process(String userId, List<Long> acceptedIds, boolean repeatedRequest, boolean forceSegment,
            boolean forceExtract) {
        // Without an LLM there is no call to save, so nothing waits in the buffers; extracting
        // "everything buffered" includes what still waits for segmentation.
        boolean flushAll = forceExtract || !memoryManager.callsLlm();
        boolean segmentAll = forceSegment || flushAll;
        List<MemoryEntry> stored = new ArrayList<>();
        int llmCalls = 0;
        String deferred = null;
        // One processor per user at a time, so two concurrent adds never extract the same messages.
        // A transaction-scoped advisory lock is released by the database even if this JVM dies.
        try (Connection lock = dataSource.getConnection()) {
            lock.setAutoCommit(false);
            try {
                UserLocks.lock(lock, UserLocks.INGEST, userId, USER_LOCK_TIMEOUT);
                segmenter.ifPresent(topics -> spans.run("segment", () -> {
                    messageLog.assignSegments(userId, SensoryBuffer.release(
                            messageLog.unsegmented(userId, maxBatchMessages), bufferLen, segmentAll, topics).stream()
                            .map(segment -> segment.stream().map(LoggedMessage::id).toList()).toList());
                    return null;
                }));
                List<Segment> batch;
                while (deferred == null && !(batch = ShortTermBuffer.nextBatch(messageLog.segmented(userId,
                        maxBatchMessages), messagesUse, extractThreshold, flushAll)).isEmpty()) {
                    List<Long> batchIds = batch.stream().flatMap(s -> s.messages().stream()).map(LoggedMessage::id)
                            .toList();
                    try {
                        List<Segment> segments = batch;
                        Extraction extraction = spans.run("extract", Attributes.builder()
                                .put("lightmem.messages", batchIds.size()).build(),
                                () -> memoryManager.extract(userId, segments));
                        llmCalls += extraction.llmCalls();
                        List<NewMemory> memories = extraction.memories();
                        List<float[]> vectors = spans.run("embed", Attributes.builder()
                                .put("lightmem.texts", memories.size()).build(),
                                () -> embedder.embed(memories.stream().map(NewMemory::memory).toList()));
                        stored.addAll(spans.run("store", () -> writer.store(userId, memories, vectors, batchIds)));
                    } catch (ExtractionException e) {
                        llmCalls += e.llmCalls();
                        deferred = e.getMessage();
                        messageLog.recordFailure(userId, batchIds, deferred);
                        metrics.extractionDeferred();
                        LOG.warnf("extraction for user %s deferred, %d messages stay pending: %s", userId,
                                batchIds.size(), deferred);
                    }
                }
            } finally {
                lock.rollback();
            }
        } catch (SQLException | StorageException e) {
            deferred = "storage failed while processing: " + e.getMessage();
            LOG.warnf(e, "processing for user %s deferred", userId);
        } catch (UnavailableException e) {
            // The model service went away after the messages were accepted: they stay pending.
            deferred = "processing deferred: " + e.getMessage();
            LOG.warnf("processing for user %s deferred: %s", userId, e.getMessage());
        } catch (RuntimeException e) {
            deferred = "processing failed: " + e.getMessage();
            LOG.errorf(e, "processing for user %s failed; messages stay pending", userId);
        }
        llmCalls += consolidateOnline(userId, stored);
        return new AddResult(acceptedIds, repeatedRequest, stored, llmCalls, pendingOrUnknown(userId), deferred);
    }

    /** lightmem.update=online: decide on the new entries now; a failure leaves them to the next offline run. */
    private int consolidateOnline(String userId, List<MemoryEntry> stored) {
        try {
            return consolidator.afterAdd(userId, stored.stream().map(MemoryEntry::id).toList());
        } catch (RuntimeException e) {
            LOG.warnf(e, "online consolidation for user %s failed; the next offline run covers it", userId);
            return 0;
        }
    }

    private int pendingOrUnknown(String userId) {
        try {
            return messageLog.countPending(userId);
        } catch (StorageException e) {
            return -1;
        }
    }
}
