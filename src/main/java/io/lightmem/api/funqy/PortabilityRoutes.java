package io.lightmem.api.funqy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.lightmem.InvalidArgumentException;
import io.lightmem.api.ApiError;
import io.lightmem.api.grpc.PortabilityMapping;
import io.lightmem.auth.Callers;
import io.lightmem.auth.CurrentCaller;
import io.lightmem.auth.Permission;
import io.lightmem.memory.Owner;
import io.lightmem.memory.PortableMemory;
import io.lightmem.portability.MemoryExporter;
import io.lightmem.portability.MemoryImporter;
import io.lightmem.v1.ExportMemoriesRequest;
import io.lightmem.v1.ImportMemoriesRequest;
import io.lightmem.v1.ImportMemoriesResponse;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Export and import over plain HTTP, as JSON lines (docs/design.md, "Export and import"): the messages of
 * lightmem.v1.PortabilityService in the proto JSON mapping (snake_case names), one per line. Not
 * Funqy functions: a function answers with one JSON value, an export is a stream. POST only, and
 * failures are the functions' problem bodies.
 *
 * <ul>
 * <li>{@code POST /ExportMemories}, body an ExportMemoriesRequest ({@code {"user_id": "alice"}}):
 * {@code application/jsonl}, one ExportMemoriesResponse per line. A failure after the first line
 * resets the connection, so a cut export never looks complete.
 * <li>{@code POST /ImportMemories?user_id=bob}, body the lines of an export (each line an
 * ImportMemoriesRequest): the ImportMemoriesResponse as JSON.
 * </ul>
 */
@Singleton
public class PortabilityRoutes {

    static final String EXPORT = "ExportMemories";
    static final String IMPORT = "ImportMemories";
    static final String JSON_LINES = "application/jsonl";

    private static final Logger LOG = Logger.getLogger(PortabilityRoutes.class);
    /** How long an export waits for a client that stopped reading before it gives up. */
    private static final long DRAIN_TIMEOUT_SECONDS = 60;

    private final MemoryExporter exporter;
    private final MemoryImporter importer;
    private final Callers callers;
    private final ObjectMapper json;
    private final JsonFormat.Printer printer = JsonFormat.printer().preservingProtoFieldNames()
            .omittingInsignificantWhitespace();
    private final JsonFormat.Parser parser = JsonFormat.parser();

    public PortabilityRoutes(MemoryExporter exporter, MemoryImporter importer, Callers callers, ObjectMapper json) {
        this.exporter = exporter;
        this.importer = importer;
        this.callers = callers;
        this.json = json;
    }

    void install(@Observes Router router) {
        for (String operation : List.of(EXPORT, IMPORT)) {
            router.route("/" + operation).order(FunctionRoutes.GUARD_ORDER)
                    .handler(context -> onlyPost(context, operation));
        }
        router.post("/" + EXPORT).blockingHandler(this::export, false);
        router.post("/" + IMPORT).blockingHandler(this::importLines, false);
    }

    private void onlyPost(RoutingContext context, String operation) {
        HttpMethod method = context.request().method();
        if (HttpMethod.POST.equals(method)) {
            context.next();
            return;
        }
        context.response().putHeader("Allow", "POST");
        if (HttpMethod.OPTIONS.equals(method)) {
            context.response().setStatusCode(204).end();
        } else {
            answer(context, Problems.methodNotAllowed(method.name(), operation));
        }
    }

    private void export(RoutingContext context) {
        Iterator<PortableMemory> memories;
        String model;
        try {
            ExportMemoriesRequest.Builder request = ExportMemoriesRequest.newBuilder();
            parse(body(context), request, "body");
            Owner owner = callers.owner(CurrentCaller.of(context), request.getUserId(), Permission.MEMORIES_READ);
            MemoryExporter.Export export = exporter.export(owner, request.getIncludeEmbeddings());
            memories = export.memories();
            model = export.embeddingModel();
            // The first page is read before the status is sent, so a failure to start is a problem body.
            memories.hasNext();
        } catch (RuntimeException e) {
            answer(context, Problems.of(ApiError.of(e), EXPORT));
            return;
        }
        HttpServerResponse response = context.response().setChunked(true)
                .putHeader("Content-Type", JSON_LINES + "; charset=utf-8");
        try {
            while (memories.hasNext()) {
                String line = printer.print(PortabilityMapping.response(memories.next(), model)) + "\n";
                awaitDrain(response);
                response.write(Buffer.buffer(line.getBytes(StandardCharsets.UTF_8)));
            }
            response.end();
        } catch (Exception e) {
            ApiError.of(e); // logs a server fault
            LOG.warnf("export stopped after its first line, connection reset: %s", e.getMessage());
            response.reset();
        }
    }

    private static void awaitDrain(HttpServerResponse response) throws InterruptedException {
        if (!response.writeQueueFull()) {
            return;
        }
        CountDownLatch drained = new CountDownLatch(1);
        response.drainHandler(ignored -> drained.countDown());
        if (response.writeQueueFull() && !drained.await(DRAIN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the client read nothing for " + DRAIN_TIMEOUT_SECONDS + " s");
        }
    }

    private void importLines(RoutingContext context) {
        try {
            String userId = context.queryParams().get("user_id");
            // A caller that may not write this user's memories is refused before its body is read.
            Owner named = userId == null || userId.isEmpty() ? null
                    : callers.owner(CurrentCaller.of(context), userId, Permission.MEMORIES_WRITE);
            String[] lines = body(context).split("\n");
            List<ImportMemoriesRequest> requests = new ArrayList<>();
            for (int i = 0; i < lines.length; i++) {
                if (lines[i].isBlank()) {
                    continue;
                }
                if (requests.size() == MemoryImporter.MAX_MEMORIES) {
                    throw new InvalidArgumentException("memories", "at most " + MemoryImporter.MAX_MEMORIES
                            + " memories per import; split the export's lines into parts");
                }
                ImportMemoriesRequest.Builder request = ImportMemoriesRequest.newBuilder();
                parse(lines[i], request, "line " + (i + 1));
                if (userId == null || userId.isEmpty()) {
                    userId = request.getUserId();
                } else if (!request.getUserId().isEmpty() && !request.getUserId().equals(userId)) {
                    throw new InvalidArgumentException("user_id", "line " + (i + 1) + " names '" + request.getUserId()
                            + "', the import is for '" + userId + "'");
                }
                if (!request.hasMemory()) {
                    throw new InvalidArgumentException("memories[" + requests.size() + "]",
                            "required: line " + (i + 1) + " carries no memory");
                }
                requests.add(request.build());
            }
            Owner owner = named != null ? named : callers.owner(CurrentCaller.of(context), userId, Permission.MEMORIES_WRITE);
            List<MemoryImporter.Incoming> incoming = new ArrayList<>(requests.size());
            for (int i = 0; i < requests.size(); i++) {
                incoming.add(PortabilityMapping.incoming(requests.get(i).getMemory(), i));
            }
            MemoryImporter.Imported imported = importer.importMemories(owner, incoming);
            context.response().setStatusCode(200).putHeader("Content-Type", "application/json")
                    .end(printer.print(ImportMemoriesResponse.newBuilder()
                            .setImportedMemories(imported.importedMemories())
                            .setExistingMemories(imported.existingMemories())
                            .setEmbeddedVectors(imported.embeddedVectors())
                            .setImportedChanges(imported.importedChanges())
                            .setRenamedMemories(imported.renamedMemories())
                            .build()));
        } catch (RuntimeException | InvalidProtocolBufferException e) {
            answer(context, Problems.of(ApiError.of(e), IMPORT));
        }
    }

    private void parse(String text, com.google.protobuf.Message.Builder into, String where) {
        try {
            parser.merge(text, into);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw new InvalidArgumentException(where, "not a " + into.getDescriptorForType().getName()
                    + " in the proto JSON mapping: " + e.getMessage());
        }
    }

    private static String body(RoutingContext context) {
        Buffer body = context.body().buffer();
        if (body == null || body.length() == 0) {
            throw new InvalidArgumentException("body", "required");
        }
        return body.toString(StandardCharsets.UTF_8);
    }

    private void answer(RoutingContext context, Problem problem) {
        FunctionRoutes.answer(context, problem, json);
    }
}
