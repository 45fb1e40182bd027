package io.lightmem.ingest;

import io.agroal.api.AgroalDataSource;
import io.lightmem.UserIds;
import io.lightmem.config.LightMemConfig;
import io.lightmem.consolidate.Consolidator;
import io.lightmem.extract.Extraction;
import io.lightmem.extract.ExtractionException;
import io.lightmem.extract.MemoryManager;
import io.lightmem.model.Embedder;
import io.lightmem.store.LoggedMessage;
import io.lightmem.store.MemoryEntry;
import io.lightmem.store.MessageLogRepository;
import io.lightmem.store.NewMemory;
import io.lightmem.store.StorageException;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Where memories are born: accept messages into the durable log, then turn every pending message
 * of the user into memories. Accepting and processing are separate steps so that a message, once
 * accepted, survives any failure after it; failed batches stay pending and are retried by the next add.
 */
@ApplicationScoped
public class MemoryIngestor {

    private static final Logger LOG = Logger.getLogger(MemoryIngestor.class);
    /** How long an add waits for another add of the same user to finish processing. */
    private static final String USER_LOCK_TIMEOUT = "30s";

    private final MessageLogRepository messageLog;
    private final MemoryManager memoryManager;
    private final Embedder embedder;
    private final MemoryWriter writer;
    private final AgroalDataSource dataSource;
    private final int maxBatchMessages;
    private final Consolidator consolidator;

    public MemoryIngestor(MessageLogRepository messageLog, MemoryManager memoryManager, Embedder embedder,
            MemoryWriter writer, AgroalDataSource dataSource, LightMemConfig config, Consolidator consolidator) {
        this.messageLog = messageLog;
        this.memoryManager = memoryManager;
        this.embedder = embedder;
        this.writer = writer;
        this.dataSource = dataSource;
        this.maxBatchMessages = config.memoryManager().maxBatchMessages();
        this.consolidator = consolidator;
    }

    /**
     * Validates and accepts the messages, then processes the user's pending messages.
     *
     * @throws io.lightmem.InvalidArgumentException for bad input (nothing is stored)
     * @throws StorageException when the messages cannot be accepted (nothing is stored)
     */
    public AddResult add(String userId, List<MessageInput> messages, boolean forceSegment, boolean forceExtract) {
        UserIds.require("user_id", userId);
        List<NormalizedMessage> normalized = MessageNormalizer.normalize(messages);
        List<Long> ids = messageLog.append(userId, normalized);
        return process(userId, ids);
    }

    private AddResult process(String userId, List<Long> acceptedIds) {
        List<MemoryEntry> stored = new ArrayList<>();
        int llmCalls = 0;
        String deferred = null;
        // One processor per user at a time, so two concurrent adds never extract the same messages.
        // A transaction-scoped advisory lock is released by the database even if this JVM dies.
        try (Connection lock = dataSource.getConnection()) {
            lock.setAutoCommit(false);
            try {
                lockUser(lock, userId);
                List<LoggedMessage> batch;
                while (deferred == null && !(batch = messageLog.pending(userId, maxBatchMessages)).isEmpty()) {
                    List<Long> batchIds = batch.stream().map(LoggedMessage::id).toList();
                    try {
                        Extraction extraction = memoryManager.extract(userId, batch);
                        llmCalls += extraction.llmCalls();
                        List<NewMemory> memories = extraction.memories();
                        List<float[]> vectors = embedder.embed(memories.stream().map(NewMemory::memory).toList());
                        stored.addAll(writer.store(userId, memories, vectors, batchIds));
                    } catch (ExtractionException e) {
                        llmCalls += e.llmCalls();
                        deferred = e.getMessage();
                        messageLog.recordFailure(userId, batchIds, deferred);
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
        } catch (RuntimeException e) {
            deferred = "processing failed: " + e.getMessage();
            LOG.errorf(e, "processing for user %s failed; messages stay pending", userId);
        }
        llmCalls += consolidateOnline(userId, stored);
        return new AddResult(acceptedIds, stored, llmCalls, pendingOrUnknown(userId), deferred);
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

    private static void lockUser(Connection connection, String userId) throws SQLException {
        try (PreparedStatement timeout = connection.prepareStatement("SELECT set_config('lock_timeout', ?, true)");
                PreparedStatement lock = connection.prepareStatement(
                        "SELECT pg_advisory_xact_lock(hashtextextended('lightmem.ingest:' || ?, 0))")) {
            timeout.setString(1, USER_LOCK_TIMEOUT);
            timeout.execute();
            lock.setString(1, userId);
            lock.execute();
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
