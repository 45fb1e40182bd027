package io.lightmem.api.funqy;

import io.lightmem.InvalidArgumentException;
import io.lightmem.consolidate.Consolidator;
import io.lightmem.consolidate.Decision;
import io.lightmem.ingest.MessageInput;
import io.lightmem.memory.MemoryChange;
import io.lightmem.memory.MemoryFilter;
import io.lightmem.memory.RetrievalStrategy;
import io.lightmem.memory.Role;
import io.lightmem.memory.SessionTimes;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Conversions between the JSON messages and the service's types. Absent values become the proto3
 * defaults, so the service layer validates exactly what it validates for gRPC.
 */
final class JsonMapping {

    private JsonMapping() {
    }

    /** A function called without a body (plain HTTP) gets null from Funqy. */
    static <T> T required(T request, String function) {
        if (request == null) {
            throw new InvalidArgumentException("body", "required: a JSON object, the " + function + " request");
        }
        return request;
    }

    static String text(String value) {
        return value == null ? "" : value;
    }

    static List<MessageInput> messages(List<Messages.Message> messages) {
        if (messages == null) {
            return List.of(); // reported by the normalizer as "at least one message is required"
        }
        List<MessageInput> inputs = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            Messages.Message message = messages.get(i);
            if (message == null) {
                throw new InvalidArgumentException("messages[" + i + "]", "must be an object, got null");
            }
            inputs.add(new MessageInput(role(message.role(), "messages[" + i + "].role"), text(message.content()),
                    text(message.timeStamp()), text(message.speakerId()), text(message.speakerName())));
        }
        return inputs;
    }

    private static Role role(String value, String field) {
        return switch (enumValue(value, "ROLE_")) {
            case "" , "UNSPECIFIED" -> null; // reported by the normalizer with the message index
            case "USER" -> Role.user;
            case "ASSISTANT" -> Role.assistant;
            default -> throw new InvalidArgumentException(field,
                    "unknown value '" + value + "'; expected ROLE_USER or ROLE_ASSISTANT (or user, assistant)");
        };
    }

    /** The request's strategy; null means the configured default. */
    static RetrievalStrategy strategy(String value) {
        return switch (enumValue(value, "RETRIEVE_STRATEGY_")) {
            case "", "UNSPECIFIED" -> null;
            case "EMBEDDING" -> RetrievalStrategy.embedding;
            case "CONTEXT" -> RetrievalStrategy.context;
            case "HYBRID" -> RetrievalStrategy.hybrid;
            default -> throw new InvalidArgumentException("strategy", "unknown value '" + value
                    + "'; expected RETRIEVE_STRATEGY_EMBEDDING, _CONTEXT or _HYBRID (or embedding, context, hybrid)");
        };
    }

    static String strategy(RetrievalStrategy strategy) {
        return "RETRIEVE_STRATEGY_" + strategy.name().toUpperCase(Locale.ROOT);
    }

    /** Upper-cased, without the proto prefix: "ROLE_USER" and "user" are both "USER". */
    private static String enumValue(String value, String prefix) {
        String upper = value == null ? "" : value.trim().toUpperCase(Locale.ROOT);
        return upper.startsWith(prefix) ? upper.substring(prefix.length()) : upper;
    }

    /** Times without a zone are in {@code defaultZone}, as message times are. */
    static MemoryFilter filter(Messages.RetrieveFilter filter, ZoneId defaultZone) {
        if (filter == null) {
            return new MemoryFilter(null, null, null, null);
        }
        return new MemoryFilter(instant(filter.timeFrom(), "filter.time_from", defaultZone),
                instant(filter.timeTo(), "filter.time_to", defaultZone),
                emptyToNull(filter.speakerName()), emptyToNull(filter.category()));
    }

    /** Times without a zone are in {@code defaultZone}; null (absent) means when the request arrives. */
    static Instant queryTime(String value, ZoneId defaultZone) {
        return instant(value, "query_time", defaultZone);
    }

    private static Instant instant(String value, String field, ZoneId defaultZone) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        return SessionTimes.require(field, value, defaultZone).instant();
    }

    static Messages.MemoryEntry entry(io.lightmem.memory.MemoryEntry entry) {
        return new Messages.MemoryEntry(entry.id().toString(), entry.userId(), entry.memory(), entry.originalMemory(),
                entry.timeStamp().toInstant(), entry.weekday(), entry.speakerId(), entry.speakerName(),
                entry.category(),
                entry.subcategory(), entry.hitTime(), entry.formatted(), entry.sources(), entry.keywords(),
                entry.entities(), entry.compressedMemory(), duration(entry.timeStamp().getOffset().getTotalSeconds()));
    }

    static List<Messages.MemoryEntry> entries(List<io.lightmem.memory.MemoryEntry> entries) {
        return entries.stream().map(JsonMapping::entry).toList();
    }

    static Messages.OfflineUpdateResponse updateRun(Consolidator.UpdateRun run) {
        List<Messages.ConsolidationDecision> decisions = run.decisions().stream()
                .map(outcome -> new Messages.ConsolidationDecision(outcome.targetId().toString(),
                        outcome.sources().stream().map(UUID::toString).toList(), action(outcome.action()),
                        outcome.newMemory(), outcome.changeId()))
                .toList();
        return new Messages.OfflineUpdateResponse(run.runId(), run.targets(), run.alreadyDecided(), decisions,
                run.skipped(), run.llmCalls(), run.remaining(), run.abortedReason());
    }

    static Messages.MemoryChange change(MemoryChange change) {
        return new Messages.MemoryChange(change.changeId(), change.memoryId().toString(),
                action(Decision.Action.valueOf(change.action())), change.oldMemory(), change.newMemory(),
                change.changedAt(), change.undoneAt(), change.runId());
    }

    private static String action(Decision.Action action) {
        return "CONSOLIDATION_ACTION_" + action.name().toUpperCase(Locale.ROOT);
    }

    /** A google.protobuf.Duration in the proto JSON mapping: "32400s". */
    private static String duration(long seconds) {
        return seconds + "s";
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
