package io.lightmem.ingest;

import io.lightmem.StorageException;
import io.lightmem.UnavailableException;
import io.lightmem.extract.ExtractionConfig;
import io.lightmem.extract.ExtractionException;
import io.lightmem.extract.Segment;
import io.lightmem.llm.MemoryManagerConfig;
import io.lightmem.memory.LoggedMessage;
import io.lightmem.memory.MemoriesStored;
import io.lightmem.memory.MemoryEntry;
import io.lightmem.memory.MessagesUse;
import io.lightmem.memory.Owner;
import io.lightmem.observe.ServiceMetrics;
import io.lightmem.observe.Spans;
import io.lightmem.segment.SegmentationConfig;
import io.lightmem.segment.TopicSegmenter;
import io.lightmem.store.MessageLogRepository;
import io.lightmem.store.UserLock;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.Instance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Moves a user's accepted messages through the buffers: segments the sensory buffer by topic when it
 * fills (docs/design.md, "Topic segmentation"), then extracts the buffered segments whose time has come. One processor
 * per user at a time (the user's ingest lock), so two concurrent adds never extract the same messages.
 * A failed batch stays pending in the message log and is retried by the next add or flush.
 */
@ApplicationScoped
public class BufferProcessor {

    private static final Logger LOG = Logger.getLogger(BufferProcessor.class);
    /** How long processing waits for another add of the same user to finish processing. */
    private static final Duration USER_LOCK_TIMEOUT = Duration.ofSeconds(30);

    /**
     * What processing did.
     *
     * @param deferredReason why it stopped before the buffers were done, or null
     */
    public record Processed(List<MemoryEntry> stored, int llmCalls, String deferredReason) {
    }

    private final MessageLogRepository messageLog;
    private final BatchExtractor extractor;
    /** Present when lightmem.topic-segment is on; otherwise each add is one segment. */
    private final Optional<TopicSegmenter> segmenter;
    private final UserLock userLock;
    private final Event<MemoriesStored> storedEvent;
    private final ServiceMetrics metrics;
    private final Spans spans;
    private final MessagesUse messagesUse;
    private final int bufferLen;
    private final int extractThreshold;
    private final int maxBatchMessages;

    public BufferProcessor(MessageLogRepository messageLog, BatchExtractor extractor,
            Instance<TopicSegmenter> segmenter, UserLock userLock, Event<MemoriesStored> storedEvent,
            ServiceMetrics metrics, Spans spans, SegmentationConfig segmentation, ExtractionConfig extraction,
            MemoryManagerConfig memoryManager) {
        this.messageLog = messageLog;
        this.extractor = extractor;
        this.segmenter = segmentation.topicSegment() ? Optional.of(segmenter.get()) : Optional.empty();
        this.userLock = userLock;
        this.storedEvent = storedEvent;
        this.metrics = metrics;
        this.spans = spans;
        this.messagesUse = extraction.messagesUse();
        this.bufferLen = segmentation.topicSegmenter().bufferLen();
        this.extractThreshold = extraction.extractThreshold().tokens();
        this.maxBatchMessages = memoryManager.maxBatchMessages();
    }

    /** Whether accepted messages wait in the sensory buffer for segmentation (else each add is one segment). */
    public boolean segments() {
        return segmenter.isPresent();
    }

    /**
     * Processes what the buffers release now. Never throws: a failure leaves the messages pending and
     * is reported as the deferred reason.
     *
     * @param forceSegment segment everything in the sensory buffer now, closing the open topic
     * @param forceExtract extract everything buffered now (segmenting it first)
     */
    public Processed process(Owner owner, boolean forceSegment, boolean forceExtract) {
        // Without an LLM there is no call to save, so nothing waits in the buffers; extracting
        // "everything buffered" includes what still waits for segmentation.
        boolean flushAll = forceExtract || !extractor.callsLlm();
        boolean segmentAll = forceSegment || flushAll;
        List<MemoryEntry> stored = new ArrayList<>();
        int[] llmCalls = {0};
        String deferred;
        try {
            deferred = userLock.underLock(UserLock.Namespace.INGEST, owner, USER_LOCK_TIMEOUT, () -> {
                segmenter.ifPresent(topics -> segment(owner, topics, segmentAll));
                List<Segment> batch;
                while (!(batch = ShortTermBuffer.nextBatch(messageLog.segmented(owner, maxBatchMessages),
                        messagesUse, extractThreshold, flushAll)).isEmpty()) {
                    try {
                        BatchExtractor.Stored result = extractor.extract(owner, batch);
                        stored.addAll(result.memories());
                        llmCalls[0] += result.llmCalls();
                    } catch (ExtractionException e) {
                        llmCalls[0] += e.llmCalls();
                        List<Long> batchIds = BatchExtractor.messageIds(batch);
                        messageLog.recordFailure(owner, batchIds, e.getMessage());
                        metrics.extractionDeferred();
                        LOG.warnf("extraction for user %s deferred, %d messages stay pending: %s", owner,
                                batchIds.size(), e.getMessage());
                        return e.getMessage();
                    }
                }
                return null;
            });
        } catch (StorageException e) {
            deferred = "storage failed while processing: " + e.getMessage();
            LOG.warnf(e, "processing for user %s deferred", owner);
        } catch (UnavailableException e) {
            // The model service went away after the messages were accepted: they stay pending.
            deferred = "processing deferred: " + e.getMessage();
            LOG.warnf("processing for user %s deferred: %s", owner, e.getMessage());
        } catch (RuntimeException e) {
            deferred = "processing failed: " + e.getMessage();
            LOG.errorf(e, "processing for user %s failed; messages stay pending", owner);
        }
        if (!stored.isEmpty()) {
            MemoriesStored event = new MemoriesStored(owner, stored.stream().map(MemoryEntry::id).toList());
            storedEvent.fire(event);
            llmCalls[0] += event.llmCalls();
        }
        return new Processed(stored, llmCalls[0], deferred);
    }

    private void segment(Owner owner, TopicSegmenter topics, boolean segmentAll) {
        spans.run("segment", () -> {
            messageLog.assignSegments(owner, SensoryBuffer.release(messageLog.unsegmented(owner, maxBatchMessages),
                    bufferLen, segmentAll, topics).stream()
                    .map(segment -> segment.stream().map(LoggedMessage::id).toList()).toList());
            return null;
        });
    }
}
