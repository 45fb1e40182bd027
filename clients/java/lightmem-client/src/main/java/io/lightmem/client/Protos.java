package io.lightmem.client;

import com.google.protobuf.Timestamp;
import io.lightmem.v1.AddMemoryResponse;
import io.lightmem.v1.FlushResponse;
import io.lightmem.v1.MemoryEntry;
import io.lightmem.v1.OfflineUpdateResponse;
import io.lightmem.v1.RetrieveFilter;
import io.lightmem.v1.RetrieveResponse;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

/** Between the client's records and the lightmem.v1 messages (whose names they share, hence the full names). */
final class Protos {

    private Protos() {
    }

    static io.lightmem.v1.Message message(Message message) {
        io.lightmem.v1.Message.Builder proto = io.lightmem.v1.Message.newBuilder()
                .setRole(message.role() == Role.USER ? io.lightmem.v1.Role.ROLE_USER
                        : io.lightmem.v1.Role.ROLE_ASSISTANT)
                .setContent(message.content())
                .setTimeStamp(DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(message.time()));
        if (message.speakerId() != null) {
            proto.setSpeakerId(message.speakerId());
        }
        if (message.speakerName() != null) {
            proto.setSpeakerName(message.speakerName());
        }
        return proto.build();
    }

    static Memory memory(MemoryEntry entry) {
        return new Memory(entry.getId(), entry.getUserId(), entry.getMemory(), entry.getOriginalMemory(),
                entry.getCompressedMemory(), instant(entry.getTimeStamp()), entry.getWeekday(), entry.getSpeakerId(),
                entry.getSpeakerName(), entry.getCategory(), entry.getSubcategory(),
                List.copyOf(entry.getKeywordsList()), List.copyOf(entry.getEntitiesList()),
                List.copyOf(entry.getSourcesList()), entry.getHitTime(), entry.getFormatted());
    }

    static List<Memory> memories(List<MemoryEntry> entries) {
        return entries.stream().map(Protos::memory).toList();
    }

    static AddResult addResult(AddMemoryResponse response) {
        return new AddResult(List.copyOf(response.getMessageIdsList()), memories(response.getEntriesList()),
                response.getLlmCalls(), response.getPendingMessages(), response.getDeferredReason(),
                response.getRepeatedRequest());
    }

    static FlushResult flushResult(FlushResponse response) {
        return new FlushResult(memories(response.getEntriesList()), response.getLlmCalls(),
                response.getPendingMessages(), response.getDeferredReason());
    }

    static List<RetrievedMemory> retrieved(RetrieveResponse response) {
        return response.getMemoriesList().stream()
                .map(found -> new RetrievedMemory(memory(found.getEntry()), found.getEntry().getFormatted(),
                        found.getScore()))
                .toList();
    }

    static io.lightmem.v1.RetrieveStrategy strategy(RetrieveStrategy strategy) {
        return switch (strategy) {
            case DEFAULT -> io.lightmem.v1.RetrieveStrategy.RETRIEVE_STRATEGY_UNSPECIFIED;
            case EMBEDDING -> io.lightmem.v1.RetrieveStrategy.RETRIEVE_STRATEGY_EMBEDDING;
            case CONTEXT -> io.lightmem.v1.RetrieveStrategy.RETRIEVE_STRATEGY_CONTEXT;
            case HYBRID -> io.lightmem.v1.RetrieveStrategy.RETRIEVE_STRATEGY_HYBRID;
        };
    }

    static RetrieveFilter filter(RetrieveOptions options) {
        RetrieveFilter.Builder filter = RetrieveFilter.newBuilder();
        if (options.from() != null) {
            filter.setTimeFrom(timestamp(options.from()));
        }
        if (options.to() != null) {
            filter.setTimeTo(timestamp(options.to()));
        }
        if (options.speakerName() != null) {
            filter.setSpeakerName(options.speakerName());
        }
        if (options.category() != null) {
            filter.setCategory(options.category());
        }
        return filter.build();
    }

    static OfflineUpdateResult offlineUpdateResult(OfflineUpdateResponse response) {
        List<ConsolidationDecision> decisions = response.getDecisionsList().stream()
                .map(decision -> new ConsolidationDecision(decision.getTargetId(),
                        List.copyOf(decision.getSourceIdsList()), action(decision.getAction()),
                        decision.getNewMemory(), decision.getChangeId()))
                .toList();
        return new OfflineUpdateResult(response.getRunId(), response.getTargets(), response.getAlreadyDecided(),
                decisions, response.getSkipped(), response.getLlmCalls(), response.getRemaining(),
                response.getAbortedReason());
    }

    static MemoryChange change(io.lightmem.v1.MemoryChange change) {
        return new MemoryChange(change.getChangeId(), change.getMemoryId(), action(change.getAction()),
                change.getOldMemory(), change.getNewMemory(), instant(change.getChangedAt()),
                change.hasUndoneAt() ? Optional.of(instant(change.getUndoneAt())) : Optional.empty(),
                change.getRunId());
    }

    static OperationUsage usage(io.lightmem.v1.OperationUsage usage) {
        return new OperationUsage(usage.getOperation(), usage.getCalls(), usage.getPromptTokens(),
                usage.getCompletionTokens(), usage.getTotalTokens());
    }

    private static ConsolidationAction action(io.lightmem.v1.ConsolidationAction action) {
        return switch (action) {
            case CONSOLIDATION_ACTION_UPDATE -> ConsolidationAction.UPDATE;
            case CONSOLIDATION_ACTION_DELETE -> ConsolidationAction.DELETE;
            // UNSPECIFIED is never sent for a decision; newer actions read as "left alone" until this client knows them
            default -> ConsolidationAction.IGNORE;
        };
    }

    static Instant instant(Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }

    static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }
}
