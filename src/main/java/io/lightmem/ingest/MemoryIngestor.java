package io.lightmem.ingest;

import io.lightmem.StorageException;
import io.lightmem.compress.Compression;
import io.lightmem.compress.Compressor;
import io.lightmem.config.TimeZoneConfig;
import io.lightmem.memory.NewMessage;
import io.lightmem.memory.NormalizedMessage;
import io.lightmem.memory.Owner;
import io.lightmem.model.TokenCounter;
import io.lightmem.observe.ServiceMetrics;
import io.lightmem.observe.Spans;
import io.lightmem.store.Acceptance;
import io.lightmem.store.MessageLogRepository;
import io.lightmem.store.RequestKey;
import io.opentelemetry.api.common.Attributes;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where memories are born: validates and accepts messages into the durable message log, then lets
 * the {@link BufferProcessor} take what the buffers release. Accepting and processing are separate
 * steps so that a message, once accepted, survives any failure after it.
 */
@ApplicationScoped
public class MemoryIngestor {

    private final MessageLogRepository messageLog;
    private final TokenCounter tokenCounter;
    private final Compressor compressor;
    private final BufferProcessor processor;
    private final ServiceMetrics metrics;
    private final Spans spans;
    private final ZoneId defaultZone;

    public MemoryIngestor(MessageLogRepository messageLog, TokenCounter tokenCounter, Compressor compressor,
            BufferProcessor processor, ServiceMetrics metrics, Spans spans, TimeZoneConfig timeZone) {
        this.defaultZone = timeZone.defaultTimeZone();
        this.messageLog = messageLog;
        this.tokenCounter = tokenCounter;
        this.compressor = compressor;
        this.processor = processor;
        this.metrics = metrics;
        this.spans = spans;
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
    public AddResult add(Owner owner, String requestId, List<MessageInput> messages, boolean forceSegment,
            boolean forceExtract) {
        return metrics.timeAdd(() -> spans.run("add", Attributes.builder()
                .put("lightmem.messages", messages == null ? 0 : messages.size()).build(), () -> {
                    List<NormalizedMessage> normalized = MessageNormalizer.normalize(messages, defaultZone);
                    RequestKey request = RequestIds.key(requestId, normalized);
                    // A retry is recognized before the models are asked to compress and count again.
                    Optional<Acceptance> earlier = request == null ? Optional.empty()
                            : messageLog.accepted(owner, request.requestId());
                    Acceptance acceptance = earlier.orElseGet(() -> spans.run("accept",
                            () -> messageLog.append(owner, request, compressed(normalized), !processor.segments())));
                    List<Long> ids = RequestIds.messageIds(request, acceptance);
                    if (acceptance.repeated()) {
                        metrics.repeatedRequest();
                    }
                    return result(owner, ids, acceptance.repeated(),
                            processor.process(owner, forceSegment, forceExtract));
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
    public AddResult flush(Owner owner) {
        return spans.run("flush", () -> result(owner, List.of(), false, processor.process(owner, true, true)));
    }

    private AddResult result(Owner owner, List<Long> acceptedIds, boolean repeatedRequest,
            BufferProcessor.Processed processed) {
        return new AddResult(acceptedIds, repeatedRequest, processed.stored(), processed.llmCalls(),
                pendingOrUnknown(owner), processed.deferredReason());
    }

    private int pendingOrUnknown(Owner owner) {
        try {
            return messageLog.countPending(owner);
        } catch (StorageException e) {
            return -1;
        }
    }
}
