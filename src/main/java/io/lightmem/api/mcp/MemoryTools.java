package io.lightmem.api.mcp;

import io.lightmem.api.Admission;
import io.lightmem.api.InstanceInfo;
import io.lightmem.auth.Callers;
import io.lightmem.auth.Permission;
import io.lightmem.config.TimeZoneConfig;
import io.lightmem.consolidate.OfflineConsolidation;
import io.lightmem.ingest.MemoryIngestor;
import io.lightmem.ingest.MessageInput;
import io.lightmem.memory.Role;
import io.lightmem.retrieve.MemorySearch;
import io.quarkiverse.mcp.server.TextContent;
import io.quarkiverse.mcp.server.Tool;
import io.quarkiverse.mcp.server.Tool.Annotations;
import io.quarkiverse.mcp.server.Tool.OutputSchema;
import io.quarkiverse.mcp.server.ToolArg;
import io.quarkiverse.mcp.server.ToolResponse;
import jakarta.inject.Singleton;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The MCP front (streamable HTTP at /mcp): LightMem's MCP tools, each a thin mapping onto the same
 * service classes the gRPC front calls, with the same validation.
 *
 * <p>Scope: every tool that reads or writes memories takes a required {@code user_id} argument, like
 * every gRPC request. An argument (rather than a per-connection header) keeps the scope visible in
 * each call, lets one agent connection serve many end users, and works with every MCP client, most of
 * which cannot set headers per conversation. The endpoint trusts the caller with the user id exactly
 * as the gRPC API does; an agent that must not choose it belongs behind a gateway that does.
 * get_timestamp and show_lightmem_instance concern the instance, not a user, and take no user id.
 */
@Singleton
public class MemoryTools {

    private static final String USER_ID = "Whose memory this is: a stable id of the end user, 1 to 128 characters"
            + " of letters, digits and . _ : @ - (e.g. alice or tenant-7:user-42). Use the same id in every call"
            + " about the same person; memories are never visible under another user_id.";

    /** add_memory sends the turn as messages [user_input, assistant_reply]; errors name the arguments. */
    private static final Map<String, String> ADD_ARGUMENTS = Map.of(
            "messages[0].content", "user_input",
            "messages[1].content", "assistant_reply",
            "messages[0].time_stamp", "timestamp",
            "messages[1].time_stamp", "timestamp");
    private static final Map<String, String> RETRIEVE_ARGUMENTS = Map.of(
            "filter.time_from", "filters.time_from",
            "filter.time_to", "filters.time_to");

    private final MemoryIngestor ingestor;
    private final MemorySearch search;
    private final OfflineConsolidation consolidation;
    private final InstanceInfo instance;
    private final Admission admission;
    private final Callers callers;
    private final ZoneId defaultZone;

    public MemoryTools(Admission admission, MemoryIngestor ingestor, MemorySearch search,
            OfflineConsolidation consolidation, InstanceInfo instance, Callers callers, TimeZoneConfig timeZone) {
        this.defaultZone = timeZone.defaultTimeZone();
        this.callers = callers;
        this.ingestor = ingestor;
        this.search = search;
        this.consolidation = consolidation;
        this.instance = instance;
        this.admission = admission;
    }

    @Tool(name = "add_memory", title = "Remember a conversation turn", description = """
            Saves one conversation turn (what the user said and what the assistant replied) to the \
            long-term memory of user_id. Call it after each exchange that may matter later: facts about \
            the user, preferences, plans, events, decisions. The service turns the turn into memories: \
            with an LLM configured it extracts standalone facts (e.g. "User's favorite color is blue."); \
            without one it stores the user's message itself. Turns may wait in a buffer until enough \
            text has gathered for one extraction; force_extract=true processes everything now (e.g. at \
            the end of a conversation, or when the memory must be searchable right away). Returns the \
            memories stored by this call, one line each as '{time_stamp} {weekday} {memory}', and how \
            many messages still wait in the buffer.""",
            annotations = @Annotations(readOnlyHint = false, destructiveHint = false, idempotentHint = false,
                    openWorldHint = false),
            outputSchema = @OutputSchema(from = ToolResults.Added.class))
    public ToolResponse addMemory(
            @ToolArg(name = "user_id", description = USER_ID) String userId,
            @ToolArg(name = "user_input", description = "What the user said in this turn, verbatim. Non-blank,"
                    + " at most 131,072 characters.") String userInput,
            @ToolArg(name = "assistant_reply", description = "What the assistant replied in this turn. Non-blank,"
                    + " at most 131,072 characters.") String assistantReply,
            @ToolArg(name = "timestamp", required = false, description = "When the turn happened, in the user's"
                    + " own time zone: ISO-8601, e.g. 2024-01-15T10:30:00+02:00 (the memory keeps that offset and"
                    + " its weekday; without a zone the instance's default time zone, UTC unless configured), a date"
                    + " alone (2024-01-15), or the session form 2023/05/20 (Sat) 00:44. Relative dates in the turn"
                    + " (\"yesterday\") are understood against it. Omit it for the server's current time.")
            String timestamp,
            @ToolArg(name = "force_segment", required = false, description = "true closes the current topic:"
                    + " everything waiting for topic segmentation is segmented now. Only matters when the"
                    + " instance segments by topic. Default false.") Boolean forceSegment,
            @ToolArg(name = "force_extract", required = false, description = "true extracts memories now from"
                    + " everything buffered for this user instead of waiting until the buffer fills (with an"
                    + " LLM this costs a call). Default false.") Boolean forceExtract,
            @ToolArg(name = "request_id", required = false, description = "Makes a retry safe: a fresh id (e.g. a"
                    + " UUID) per turn; calling again with the same request_id and the same turn does not save it"
                    + " twice. 1 to 128 visible ASCII characters. Omit it and every call saves the turn.")
            String requestId) {
        return call(ADD_ARGUMENTS, () -> {
            String time = timestamp == null || timestamp.isBlank() ? instance.now().toString() : timestamp;
            List<MessageInput> turn = List.of(
                    new MessageInput(Role.user, userInput, time, null, null),
                    new MessageInput(Role.assistant, assistantReply, time, null, null));
            return ToolResults.added(ingestor.add(callers.owner(userId, Permission.MEMORIES_WRITE), requestId, turn, isTrue(forceSegment), isTrue(forceExtract)));
        }, ToolResults::text);
    }

    @Tool(name = "retrieve_memory", title = "Recall memories", description = """
            Searches the long-term memory of user_id for the memories most relevant to a question, best \
            first. Call it before answering whenever earlier conversations may matter: the user's \
            preferences, facts about them or people they know, past events, plans. Returns one line per \
            memory, '{time_stamp} {weekday} {memory}', e.g. '2024-01-15T10:30:00.000 Mon User's favorite \
            color is blue.' (times are the speaker's local times, as given when the turn was added; use them \
            to resolve "last week" and to prefer newer facts), or 'No memories found.'""",
            // Retrieval changes nothing but the memories' hit counters.
            annotations = @Annotations(readOnlyHint = true, destructiveHint = false, idempotentHint = true,
                    openWorldHint = false),
            outputSchema = @OutputSchema(from = ToolResults.Retrieved.class))
    public ToolResponse retrieveMemory(
            @ToolArg(name = "user_id", description = USER_ID) String userId,
            @ToolArg(name = "query", description = "What to look for, in natural language, e.g. \"What is the"
                    + " user's favorite color?\". Non-blank, at most 4,096 characters.") String query,
            @ToolArg(name = "limit", required = false, description = "How many memories to return at most, 1 to"
                    + " 100 (the instance's lightmem.retrieve.max-limit). Default 10.") Integer limit,
            @ToolArg(name = "filters", required = false, description = "Optional restrictions: time_from,"
                    + " time_to, speaker_name, category. Omit for none.") RetrieveFilters filters,
            @ToolArg(name = "query_time", required = false, description = "When the question is asked: ISO-8601"
                    + " (2024-01-15T10:30:00, zone optional, the instance's default time zone without one) or the session"
                    + " form 2023/05/20 (Sat) 00:44. Relative times in the query (\"yesterday\", \"last week\", \"two months"
                    + " ago\", \"in May\") are read against it to favour the memories of that period. Omit it for"
                    + " the server's current time.") String queryTime) {
        return call(RETRIEVE_ARGUMENTS, () -> ToolResults.retrieved(search.retrieve(callers.owner(userId, Permission.MEMORIES_READ), query,
                Objects.requireNonNullElse(limit, 0), RetrieveFilters.toFilter(filters, defaultZone), null, 0,
                RetrieveFilters.time("query_time", queryTime, defaultZone))), ToolResults::text);
    }

    @Tool(name = "offline_update", title = "Consolidate memories", description = """
            Consolidates the long-term memory of user_id, as LightMem's offline update: first finds, \
            for every memory, its most similar earlier memories (top_k searched, keep_top_n kept); then, \
            for every older memory that newer ones resemble with cosine similarity >= score_threshold, \
            one LLM call decides to update it (merge the newer details in), delete it (a newer memory \
            contradicts it) or keep it. Only the older memory changes; every change is recorded in \
            history and can be undone. Call it now and then (e.g. after a long session), not after \
            every turn: it may make one LLM call per affected memory. Needs an LLM memory manager (an \
            instance with 'none' answers with an error and changes nothing). Returns what was decided.""",
            annotations = @Annotations(readOnlyHint = false, destructiveHint = true, idempotentHint = true,
                    openWorldHint = false),
            outputSchema = @OutputSchema(from = ToolResults.OfflineUpdated.class))
    public ToolResponse offlineUpdate(
            @ToolArg(name = "user_id", description = USER_ID) String userId,
            @ToolArg(name = "top_k", required = false, description = "Nearest earlier memories searched per"
                    + " memory, 1 to 1000. Default: the instance's lightmem.consolidation.top-k (20).") Integer topK,
            @ToolArg(name = "keep_top_n", required = false, description = "Of those, how many are kept in each"
                    + " memory's update queue, 1 to top_k. Default: lightmem.consolidation.keep-top-n (10).")
            Integer keepTopN,
            @ToolArg(name = "score_threshold", required = false, description = "Cosine similarity in [-1, 1] a"
                    + " newer memory needs to count as a source for an older one; lower finds more pairs."
                    + " Default: lightmem.consolidation.score-threshold (0.8).") Double scoreThreshold) {
        return call(Map.of(), () -> ToolResults.offlineUpdated(consolidation.run(callers.owner(userId, Permission.CONSOLIDATE),
                Objects.requireNonNullElse(topK, 0), Objects.requireNonNullElse(keepTopN, 0), scoreThreshold)),
                ToolResults::text);
    }

    @Tool(name = "get_timestamp", title = "Current time", description = """
            Returns the server's current time as memories carry it, in the instance's default time zone \
            (UTC unless configured), e.g. '2024-01-15T10:30:00.000 Mon (UTC)'. Use it for the timestamp of \
            add_memory, or to tell how long ago a retrieved memory happened.""",
            annotations = @Annotations(readOnlyHint = true, destructiveHint = false, idempotentHint = false,
                    openWorldHint = false),
            outputSchema = @OutputSchema(from = ToolResults.Now.class))
    public ToolResponse getTimestamp() {
        return call(Map.of(), () -> {
            callers.current();
            return ToolResults.now(instance.now());
        }, ToolResults::text);
    }

    @Tool(name = "show_lightmem_instance", title = "Show the memory service's configuration", description = """
            Shows how this memory service is set up: its version, the memory manager (the LLM backend, \
            or 'none' for storing messages verbatim) and the effective lightmem.* options that hold no \
            secret. Use it to explain or troubleshoot behaviour, e.g. whether offline_update can run \
            or which retrieval strategy answers.""",
            annotations = @Annotations(readOnlyHint = true, destructiveHint = false, idempotentHint = true,
                    openWorldHint = false),
            outputSchema = @OutputSchema(from = ToolResults.Instance.class))
    public ToolResponse showLightmemInstance() {
        return call(Map.of(), () -> {
            callers.current();
            return new ToolResults.Instance(instance.version(), instance.memoryManager(), instance.effectiveConfig(),
                    instance.configSources());
        }, ToolResults::text);
    }

    /** Runs the work; a success carries the text for the model and the structured result for programs. */
    private <T> ToolResponse call(Map<String, String> arguments, Supplier<T> work, Function<T, String> text) {
        T result;
        try {
            result = admission.call(work);
        } catch (RuntimeException e) {
            return ToolErrors.toResponse(e, arguments);
        }
        return new ToolResponse(false, List.of(new TextContent(text.apply(result))), result, null);
    }

    private static boolean isTrue(Boolean flag) {
        return Boolean.TRUE.equals(flag);
    }
}
