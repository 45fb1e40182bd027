package io.lightmem.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A real OpenAI-compatible HTTP server on loopback that answers chat completions from a script
 * and records every request, so the real LangChain4j client code runs in tests.
 */
public final class ScriptedLlmServer implements AutoCloseable {

    /** One scripted reply: an assistant message, or an HTTP error. */
    public record Reply(int status, String content) {
        public static Reply answer(String content) {
            return new Reply(200, content);
        }

        public static Reply httpError(int status) {
            return new Reply(status, null);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Deque<Reply> script = new ConcurrentLinkedDeque<>();
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private volatile Reply fallback = Reply.answer("{\"data\": []}");
    private volatile Function<JsonNode, Reply> responder;
    private volatile CountDownLatch firstRequest = new CountDownLatch(1);

    public ScriptedLlmServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/chat/completions", this::chat);
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** Queues replies, answered in order; when the queue is empty the fallback answers. */
    public void enqueue(Reply... replies) {
        script.addAll(List.of(replies));
    }

    public void fallback(Reply reply) {
        this.fallback = reply;
    }

    /**
     * Answers from the request itself when the queue is empty (before the fallback): for calls whose
     * order is not fixed, e.g. decisions taken in parallel. Returning null defers to the fallback.
     */
    public void respond(Function<JsonNode, Reply> responder) {
        this.responder = responder;
    }

    /** Forgets the script and the recorded requests. */
    public void reset() {
        script.clear();
        requests.clear();
        authorizations.clear();
        firstRequest = new CountDownLatch(1);
        fallback = Reply.answer("{\"data\": []}");
        responder = null;
    }

    public List<JsonNode> requests() {
        return new ArrayList<>(requests);
    }

    /** The Authorization header of each recorded request, in order ("" when absent). */
    public List<String> authorizations() {
        return new ArrayList<>(authorizations);
    }

    /**
     * Waits until a request has arrived since the start or the last {@link #reset()}, e.g. to act
     * while a scripted answer still holds the call.
     */
    public void awaitRequest(Duration timeout) throws InterruptedException {
        if (!firstRequest.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("no request reached the scripted LLM within " + timeout);
        }
    }

    /**
     * A responder ({@link #respond}) for consolidation decisions: the target whose text contains
     * {@code targetFact} is updated to {@code merged}, every other target is kept; other requests are
     * left to the script.
     */
    public static Function<JsonNode, Reply> mergingInto(String targetFact, String merged) {
        return request -> {
            if (!systemMessage(request).contains("Decide what should happen to the target")) {
                return null;
            }
            String prompt = lastUserMessage(request);
            String target = prompt.substring(0, prompt.indexOf("Newer memories"));
            return Reply.answer(target.contains(targetFact)
                    ? "{\"action\": \"update\", \"new_memory\": \"" + merged + "\"}"
                    : "{\"action\": \"ignore\", \"new_memory\": \"\"}");
        };
    }

    /** The text of the system message of a recorded request, or "" without one. */
    public static String systemMessage(JsonNode request) {
        for (JsonNode message : request.get("messages")) {
            if ("system".equals(message.get("role").asText())) {
                return message.get("content").asText();
            }
        }
        return "";
    }

    /** The text of the last user message of a recorded request. */
    public static String lastUserMessage(JsonNode request) {
        JsonNode messages = request.get("messages");
        for (int i = messages.size() - 1; i >= 0; i--) {
            if ("user".equals(messages.get(i).get("role").asText())) {
                return messages.get(i).get("content").asText();
            }
        }
        throw new AssertionError("no user message in " + request);
    }

    private void chat(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode request = JSON.readTree(exchange.getRequestBody());
            authorizations.add(java.util.Objects.requireNonNullElse(exchange.getRequestHeaders().getFirst("Authorization"), ""));
            requests.add(request);
            firstRequest.countDown();
            Reply reply = script.poll();
            Function<JsonNode, Reply> answering = responder;
            if (reply == null && answering != null) {
                reply = answering.apply(request);
            }
            if (reply == null) {
                reply = fallback;
            }
            if (reply.status() != 200) {
                send(exchange, reply.status(), "{\"error\": {\"message\": \"scripted failure\", \"type\": \"server_error\"}}");
                return;
            }
            int promptTokens = request.toString().length() / 4;
            int completionTokens = Math.max(1, reply.content().length() / 4);
            ObjectNode response = JSON.createObjectNode();
            response.put("id", "chatcmpl-" + requests.size());
            response.put("object", "chat.completion");
            response.put("created", System.currentTimeMillis() / 1000);
            response.put("model", request.path("model").asText("scripted"));
            ObjectNode choice = response.putArray("choices").addObject();
            choice.put("index", 0);
            choice.put("finish_reason", "stop");
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            message.put("content", reply.content());
            ObjectNode usage = response.putObject("usage");
            usage.put("prompt_tokens", promptTokens);
            usage.put("completion_tokens", completionTokens);
            usage.put("total_tokens", promptTokens + completionTokens);
            send(exchange, 200, response.toString());
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
