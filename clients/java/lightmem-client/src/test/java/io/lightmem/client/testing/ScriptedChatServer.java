package io.lightmem.client.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * An OpenAI-compatible chat-completions server on loopback whose answers come from the test's script (a
 * function of the request), recording every request: it stands in for an LLM provider, for the service's
 * memory extraction as for an application's chat model.
 */
public final class ScriptedChatServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Function<JsonNode, String> script;
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();

    /** @param script the assistant's answer to a chat-completions request */
    public ScriptedChatServer(Function<JsonNode, String> script) throws IOException {
        this.script = script;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/chat/completions", this::complete);
        // a script may hold one answer (a slow model) while others are served
        server.setExecutor(Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "scripted-chat");
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
    }

    /** The base URL an OpenAI client is given. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    public List<JsonNode> requests() {
        return List.copyOf(requests);
    }

    /** Waits until a request whose prompt contains this text has arrived, e.g. to act while its answer is held. */
    public void awaitRequestContaining(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (requests.stream().noneMatch(request -> prompt(request).contains(text))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no request containing '" + text + "' within " + timeout);
            }
            Thread.sleep(20);
        }
    }

    /** All message texts of a request, one after the other: what the model was shown. */
    public static String prompt(JsonNode request) {
        StringBuilder prompt = new StringBuilder();
        for (JsonNode message : request.path("messages")) {
            prompt.append(message.path("role").asText()).append(": ").append(message.path("content").asText())
                    .append('\n');
        }
        return prompt.toString();
    }

    private void complete(HttpExchange exchange) throws IOException {
        try {
            JsonNode request = JSON.readTree(exchange.getRequestBody());
            requests.add(request);
            String answer = script.apply(request);
            ObjectNode response = JSON.createObjectNode()
                    .put("id", "chatcmpl-" + requests.size())
                    .put("object", "chat.completion")
                    .put("created", System.currentTimeMillis() / 1000)
                    .put("model", request.path("model").asText("scripted"));
            ObjectNode choice = response.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop");
            choice.putObject("message").put("role", "assistant").put("content", answer);
            int promptTokens = prompt(request).length() / 4;
            int completionTokens = answer.length() / 4 + 1;
            response.putObject("usage").put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens)
                    .put("total_tokens", promptTokens + completionTokens);
            send(exchange, 200, JSON.writeValueAsBytes(response));
        } catch (RuntimeException e) {
            // a script that cannot answer this request: the client sees a provider error, the test its cause
            send(exchange, 500, JSON.writeValueAsBytes(JSON.createObjectNode().putObject("error")
                    .put("message", "the script failed: " + e)));
        } finally {
            exchange.close();
        }
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
