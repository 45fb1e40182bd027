package io.lightmem.api.grpc;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.lightmem.InvalidArgumentException;
import io.lightmem.consolidate.Consolidator;
import io.lightmem.consolidate.Decision;
import io.lightmem.ingest.MessageInput;
import io.lightmem.memory.MemoryFilter;
import io.lightmem.memory.RetrievalStrategy;
import io.lightmem.memory.Role;
import io.lightmem.memory.SessionTimes;
import io.lightmem.v1.ConsolidationAction;
import io.lightmem.v1.ConsolidationDecision;
import io.lightmem.v1.MemoryChange;
import io.lightmem.v1.MemoryEntry;
import io.lightmem.v1.Message;
import io.lightmem.v1.OfflineUpdateResponse;
import io.lightmem.v1.RetrieveFilter;
import io.lightmem.v1.RetrieveRequest;
import io.lightmem.v1.RetrieveStrategy;
import java.time.Instant;

/** Conversions between protobuf messages and the service's types. */
final class GrpcMapping {

    private GrpcMapping() {
    }

    static MessageInput message(Message message, int index) {
        Role role = switch (message.getRole()) {
            case ROLE_USER -> Role.user;
            case ROLE_ASSISTANT -> Role.assistant;
            case ROLE_UNSPECIFIED -> null; // reported by the normalizer with the message index
            case UNRECOGNIZED -> throw new InvalidArgumentException("messages[" + index + "].role",
                    "unknown value " + message.getRoleValue());
        };
        return new MessageInput(role, message.getContent(), message.getTimeStamp(), message.getSpeakerId(),
                message.getSpeakerName());
    }

    static MemoryFilter filter(RetrieveFilter filter) {
        return new MemoryFilter(
                filter.hasTimeFrom() ? instant("filter.time_from", filter.getTimeFrom()) : null,
                filter.hasTimeTo() ? instant("filter.time_to", filter.getTimeTo()) : null,
                emptyToNull(filter.getSpeakerName()),
                emptyToNull(filter.getCategory()));
    }

    /** When the question is asked; null (unset) means when the request arrives. */
    static Instant queryTime(RetrieveRequest request) {
        return request.hasQueryTime() ? instant("query_time", request.getQueryTime()) : null;
    }

    /** The request's strategy; null means the configured default. */
    static RetrievalStrategy strategy(RetrieveRequest request) {
        return switch (request.getStrategy()) {
            case RETRIEVE_STRATEGY_UNSPECIFIED -> null;
            case RETRIEVE_STRATEGY_EMBEDDING -> RetrievalStrategy.embedding;
            case RETRIEVE_STRATEGY_CONTEXT -> RetrievalStrategy.context;
            case RETRIEVE_STRATEGY_HYBRID -> RetrievalStrategy.hybrid;
            case UNRECOGNIZED -> throw new InvalidArgumentException("strategy",
                    "unknown value " + request.getStrategyValue());
        };
    }

    static RetrieveStrategy strategy(RetrievalStrategy strategy) {
        return switch (strategy) {
            case embedding -> RetrieveStrategy.RETRIEVE_STRATEGY_EMBEDDING;
            case context -> RetrieveStrategy.RETRIEVE_STRATEGY_CONTEXT;
            case hybrid -> RetrieveStrategy.RETRIEVE_STRATEGY_HYBRID;
        };
    }

    static MemoryEntry entry(io.lightmem.memory.MemoryEntry entry) {
        MemoryEntry.Builder proto = MemoryEntry.newBuilder()
                .setId(entry.id().toString())
                .setUserId(entry.userId())
                .setMemory(entry.memory())
                .setTimeStamp(timestamp(entry.timeStamp().toInstant()))
                .setUtcOffset(Duration.newBuilder().setSeconds(entry.timeStamp().getOffset().getTotalSeconds()))
                .setWeekday(entry.weekday())
                .setHitTime(entry.hitTime())
                .setFormatted(entry.formatted())
                .addAllSources(entry.sources())
                .addAllKeywords(entry.keywords())
                .addAllEntities(entry.entities());
        if (entry.originalMemory() != null) {
            proto.setOriginalMemory(entry.originalMemory());
        }
        if (entry.compressedMemory() != null) {
            proto.setCompressedMemory(entry.compressedMemory());
        }
        if (entry.speakerId() != null) {
            proto.setSpeakerId(entry.speakerId());
        }
        if (entry.speakerName() != null) {
            proto.setSpeakerName(entry.speakerName());
        }
        if (entry.category() != null) {
            proto.setCategory(entry.category());
        }
        if (entry.subcategory() != null) {
            proto.setSubcategory(entry.subcategory());
        }
        return proto.build();
    }

    static OfflineUpdateResponse updateRun(Consolidator.UpdateRun run) {
        OfflineUpdateResponse.Builder response = OfflineUpdateResponse.newBuilder()
                .setRunId(run.runId())
                .setTargets(run.targets())
                .setAlreadyDecided(run.alreadyDecided())
                .setSkipped(run.skipped())
                .setLlmCalls(run.llmCalls())
                .setRemaining(run.remaining());
        for (Consolidator.Outcome outcome : run.decisions()) {
            ConsolidationDecision.Builder decision = ConsolidationDecision.newBuilder()
                    .setTargetId(outcome.targetId().toString())
                    .setAction(action(outcome.action()));
            outcome.sources().forEach(id -> decision.addSourceIds(id.toString()));
            if (outcome.newMemory() != null) {
                decision.setNewMemory(outcome.newMemory());
            }
            if (outcome.changeId() != null) {
                decision.setChangeId(outcome.changeId());
            }
            response.addDecisions(decision);
        }
        if (run.abortedReason() != null) {
            response.setAbortedReason(run.abortedReason());
        }
        return response.build();
    }

    static MemoryChange change(io.lightmem.memory.MemoryChange change) {
        MemoryChange.Builder proto = MemoryChange.newBuilder()
                .setChangeId(change.changeId())
                .setMemoryId(change.memoryId().toString())
                .setAction(action(Decision.Action.valueOf(change.action())))
                .setChangedAt(timestamp(change.changedAt()));
        if (change.oldMemory() != null) {
            proto.setOldMemory(change.oldMemory());
        }
        if (change.newMemory() != null) {
            proto.setNewMemory(change.newMemory());
        }
        if (change.undoneAt() != null) {
            proto.setUndoneAt(timestamp(change.undoneAt()));
        }
        if (change.runId() != null) {
            proto.setRunId(change.runId());
        }
        return proto.build();
    }

    private static ConsolidationAction action(Decision.Action action) {
        return switch (action) {
            case update -> ConsolidationAction.CONSOLIDATION_ACTION_UPDATE;
            case delete -> ConsolidationAction.CONSOLIDATION_ACTION_DELETE;
            case ignore -> ConsolidationAction.CONSOLIDATION_ACTION_IGNORE;
        };
    }

    static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    /** A Timestamp within the range protobuf defines for it (years 1 to 9999), else INVALID_ARGUMENT. */
    private static Instant instant(String field, Timestamp timestamp) {
        if (timestamp.getSeconds() < SessionTimes.EARLIEST.getEpochSecond()
                || timestamp.getSeconds() > SessionTimes.LATEST.getEpochSecond()
                || timestamp.getNanos() < 0 || timestamp.getNanos() > 999_999_999) {
            throw new InvalidArgumentException(field, "must fall in the years 1 to 9999 (seconds "
                    + SessionTimes.EARLIEST.getEpochSecond() + " to " + SessionTimes.LATEST.getEpochSecond()
                    + ", nanos 0 to 999999999), got seconds " + timestamp.getSeconds() + ", nanos " + timestamp.getNanos());
        }
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
