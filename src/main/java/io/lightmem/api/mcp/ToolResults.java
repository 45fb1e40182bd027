package io.lightmem.api.mcp;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.lightmem.consolidate.Consolidator;
import io.lightmem.consolidate.OfflineConsolidation;
import io.lightmem.ingest.AddResult;
import io.lightmem.memory.MemoryEntry;
import io.lightmem.memory.SessionTimes;
import io.lightmem.retrieve.MemorySearch;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What the tools return: a structured result (its record is the tool's output schema) and a text an
 * agent reads as it is. Field names are snake_case, as in the gRPC API; absent values are left out.
 * The records are registered for reflection (nested ones included): the MCP server serializes a
 * {@code ToolResponse}'s structured content, typed Object, with Jackson, and a native image without
 * their accessors wrote every structured result as {}.
 */
@RegisterForReflection
public final class ToolResults {

    private ToolResults() {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Memory(
            @JsonPropertyDescription("UUID of the memory.") String id,
            @JsonPropertyDescription("The remembered fact (or, without an LLM, the message itself).") String memory,
            @JsonPropertyDescription("When it was said, local time of the speaker (in utc_offset), e.g."
                    + " 2024-01-15T10:30:00.000.") String timeStamp,
            @JsonPropertyDescription("Mon ... Sun, of that local time.") String weekday,
            @JsonPropertyDescription("The offset from UTC of time_stamp, e.g. +09:00, or Z for UTC.") String utcOffset,
            @JsonPropertyDescription("The line '{time_stamp} {weekday} {memory}', ready for a prompt.") String formatted,
            @JsonPropertyDescription("Who said it (User, Assistant, or the name given).") String speakerName,
            @JsonPropertyDescription("Category, when metadata generation is on.") String category,
            @JsonPropertyDescription("Subcategory, when metadata generation is on.") String subcategory,
            @JsonPropertyDescription("Times this memory was returned by retrieval.") int hitTime,
            @JsonPropertyDescription("Relevance to the query, higher is better (retrieval only): cosine similarity"
                    + " for the embedding strategy, BM25 for context, fusion score for hybrid.") Double score) {

        static Memory of(MemoryEntry entry, Double score) {
            return new Memory(entry.id().toString(), entry.memory(), SessionTimes.format(entry.timeStamp()),
                    entry.weekday(), entry.timeStamp().getOffset().getId(), entry.formatted(), entry.speakerName(), entry.category(), entry.subcategory(),
                    entry.hitTime(), score);
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Added(
            @JsonPropertyDescription("Message-log ids of the user message and the assistant reply.") List<Long> messageIds,
            @JsonPropertyDescription("Memories stored by this call (may include earlier buffered turns).") List<Memory> memories,
            @JsonPropertyDescription("LLM calls this call made.") int llmCalls,
            @JsonPropertyDescription("Messages of this user still waiting in the buffer for extraction.") int pendingMessages,
            @JsonPropertyDescription("Why extraction stopped early; the messages are kept and retried by the next"
                    + " add_memory.") String deferredReason,
            @JsonPropertyDescription("True when request_id had been saved before: the turn was not saved again.")
            boolean repeatedRequest) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Retrieved(
            @JsonPropertyDescription("The ranking strategy used: embedding, context or hybrid.") String strategy,
            @JsonPropertyDescription("Best first.") List<Memory> memories,
            @JsonPropertyDescription("True when fewer memories than found are returned, to keep the answer under"
                    + " the service's size limit; ask for a lower limit.") boolean truncated) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record QueueBuilt(
            @JsonPropertyDescription("Id of the construction run.") long runId,
            @JsonPropertyDescription("Memories whose update queue was rebuilt.") int entries,
            @JsonPropertyDescription("(memory, earlier candidate) pairs stored in all queues.") int queueRows,
            @JsonPropertyDescription("Wall-clock time of the construction in milliseconds.") long elapsedMs) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Decision(
            @JsonPropertyDescription("UUID of the older memory decided on (the only one that may change).") String targetId,
            @JsonPropertyDescription("update (merged with newer details), delete (contradicted) or ignore.") String action,
            @JsonPropertyDescription("UUIDs of the newer memories it was compared with.") List<String> sourceIds,
            @JsonPropertyDescription("The merged text, for update.") String newMemory,
            @JsonPropertyDescription("History entry of an update or delete, for undo.") Long changeId) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record UpdateRun(
            @JsonPropertyDescription("Id of the update run.") long runId,
            @JsonPropertyDescription("Older memories with newer similar ones not decided before: this run's work.") int targets,
            @JsonPropertyDescription("Targets an earlier run already decided with the same sources.") int alreadyDecided,
            @JsonPropertyDescription("Decisions taken and applied.") List<Decision> decisions,
            @JsonPropertyDescription("Targets left alone because they changed while being decided.") int skipped,
            @JsonPropertyDescription("LLM calls made.") int llmCalls,
            @JsonPropertyDescription("Targets left undecided because the run stopped early; the next run decides"
                    + " them.") int remaining,
            @JsonPropertyDescription("Why the run stopped early.") String abortedReason) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record OfflineUpdated(
            @JsonPropertyDescription("Step 1: the update queues.") QueueBuilt queue,
            @JsonPropertyDescription("Step 2: the decisions.") UpdateRun update) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Now(
            @JsonPropertyDescription("Now as memories carry it, in the instance's default time zone:"
                    + " 2024-01-15T10:30:00.000.") String timeStamp,
            @JsonPropertyDescription("Mon ... Sun.") String weekday,
            @JsonPropertyDescription("The offset from UTC of time_stamp, e.g. +09:00, or Z for UTC.") String utcOffset,
            @JsonPropertyDescription("Now as seconds since 1970-01-01T00:00:00Z.") double epochSeconds) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Instance(
            @JsonPropertyDescription("Service version.") String version,
            @JsonPropertyDescription("The memory manager: none, openai, deepseek, vllm or ollama.") String memoryManager,
            @JsonPropertyDescription("Effective lightmem.* options; secrets shown as ****.") Map<String, String> config,
            @JsonPropertyDescription("For options not set as lightmem.* properties, where they come from: an"
                    + " environment variable (OPENAI_API_KEY) or a key of the LightMem configuration file.")
            Map<String, String> configSources) {
    }

    static Added added(AddResult result) {
        return new Added(result.messageIds(), memories(result.stored()), result.llmCalls(),
                result.pendingMessages(), result.deferredReason(), result.repeatedRequest());
    }

    static String text(Added added) {
        StringBuilder text = new StringBuilder();
        if (added.repeatedRequest()) {
            text.append("This request_id was saved before (messages ").append(ids(added.messageIds()))
                    .append("); the turn was not saved again.");
            if (!added.memories().isEmpty()) {
                text.append(" Stored ").append(count(added.memories().size(), "memory", "memories"))
                        .append(" from buffered turns:\n").append(lines(added.memories()));
            }
        } else if (added.memories().isEmpty()) {
            text.append("Saved the turn (messages ").append(ids(added.messageIds())).append("); no memory stored yet: ")
                    .append(added.pendingMessages()).append(" messages wait in the buffer and are extracted when it"
                            + " fills, or now with force_extract=true.");
        } else {
            text.append("Saved the turn (messages ").append(ids(added.messageIds())).append(") and stored ")
                    .append(count(added.memories().size(), "memory", "memories")).append(":\n")
                    .append(lines(added.memories()));
            if (added.pendingMessages() > 0) {
                text.append("\n").append(added.pendingMessages()).append(" messages still wait in the buffer.");
            }
        }
        if (added.deferredReason() != null) {
            text.append("\nExtraction was deferred (the messages are kept and retried by the next add_memory): ")
                    .append(added.deferredReason());
        }
        return text.toString();
    }

    static Retrieved retrieved(MemorySearch.Result result) {
        return new Retrieved(result.strategy().name(),
                result.memories().stream().map(s -> Memory.of(s.entry(), s.similarity())).toList(), result.truncated());
    }

    /** One formatted line per memory, as LightMem's retrieve returns them. */
    static String text(Retrieved retrieved) {
        return retrieved.memories().isEmpty() ? "No memories found." : lines(retrieved.memories());
    }

    static OfflineUpdated offlineUpdated(OfflineConsolidation.Result result) {
        var queue = result.queue();
        var run = result.update();
        List<Decision> decisions = run.decisions().stream().map(ToolResults::decision).toList();
        return new OfflineUpdated(new QueueBuilt(queue.runId(), queue.entries(), queue.queueRows(), queue.elapsedMs()),
                new UpdateRun(run.runId(), run.targets(), run.alreadyDecided(), decisions, run.skipped(),
                        run.llmCalls(), run.remaining(), run.abortedReason()));
    }

    static String text(OfflineUpdated result) {
        UpdateRun run = result.update();
        Map<String, Long> actions = run.decisions().stream()
                .collect(Collectors.groupingBy(Decision::action, Collectors.counting()));
        StringBuilder text = new StringBuilder()
                .append("Rebuilt the update queues of ").append(count(result.queue().entries(), "memory", "memories"))
                .append(" (").append(result.queue().queueRows()).append(" candidate pairs). ")
                .append("Decided ").append(run.decisions().size()).append(" of ").append(run.targets())
                .append(" memories that newer ones resemble: ")
                .append(actions.getOrDefault("update", 0L)).append(" updated, ")
                .append(actions.getOrDefault("delete", 0L)).append(" deleted, ")
                .append(actions.getOrDefault("ignore", 0L)).append(" kept; ")
                .append(run.alreadyDecided()).append(" decided by earlier runs; ")
                .append(run.llmCalls()).append(" LLM calls.");
        for (Decision decision : run.decisions()) {
            if (!"ignore".equals(decision.action())) {
                text.append("\n").append(decision.action()).append(" ").append(decision.targetId());
                if (decision.newMemory() != null) {
                    text.append(": ").append(decision.newMemory());
                }
            }
        }
        if (run.abortedReason() != null) {
            text.append("\nStopped early, ").append(run.remaining()).append(" left for the next run: ")
                    .append(run.abortedReason());
        }
        return text.toString();
    }

    static Now now(OffsetDateTime now) {
        return new Now(SessionTimes.format(now), SessionTimes.weekday(now), now.getOffset().getId(),
                now.toEpochSecond() + now.getNano() / 1e9);
    }

    static String text(Now now) {
        return now.timeStamp() + " " + now.weekday() + " (" + ("Z".equals(now.utcOffset()) ? "UTC" : "UTC" + now.utcOffset())
                + ")";
    }

    static String text(Instance instance) {
        StringBuilder text = new StringBuilder("LightMem for Quarkus ").append(instance.version())
                .append(", memory manager: ").append(instance.memoryManager()).append('\n');
        instance.config().forEach((name, value) -> text.append(name).append(" = ").append(value).append('\n'));
        return text.toString().stripTrailing();
    }

    private static Decision decision(Consolidator.Outcome outcome) {
        return new Decision(outcome.targetId().toString(), outcome.action().name(),
                outcome.sources().stream().map(Object::toString).toList(), outcome.newMemory(), outcome.changeId());
    }

    private static List<Memory> memories(List<MemoryEntry> entries) {
        return entries.stream().map(entry -> Memory.of(entry, null)).toList();
    }

    private static String lines(List<Memory> memories) {
        return memories.stream().map(Memory::formatted).collect(Collectors.joining("\n"));
    }

    private static String ids(List<Long> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }

    private static String count(int n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }
}
