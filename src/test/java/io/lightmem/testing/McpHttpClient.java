package io.lightmem.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A minimal MCP client over streamable HTTP (JSON-RPC POSTs to one endpoint, replies as JSON or as
 * an SSE stream), for Java tests that look at the raw protocol messages. The end-to-end test uses
 * the official SDK instead.
 */
public final class McpHttpClient {

    public static final String PROTOCOL_VERSION = "2025-06-18";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI endpoint;
    private final AtomicLong ids = new AtomicLong();
    private final Map<String, String> headers;
    private String sessionId;

    private McpHttpClient(URI endpoint, Map<String, String> headers) {
        this.endpoint = endpoint;
        this.headers = headers;
    }

    /** Connects with the test run's credentials ({@link ServiceClients#credentials()}): initialize, then initialized. */
    public static McpHttpClient connect(URI endpoint) {
        return connect(endpoint, ServiceClients.credentials());
    }

    /** Connects sending these headers (e.g. Authorization) with every request. */
    public static McpHttpClient connect(URI endpoint, Map<String, String> headers) {
        McpHttpClient client = new McpHttpClient(endpoint, headers);
        ObjectNode params = JSON.createObjectNode().put("protocolVersion", PROTOCOL_VERSION);
        params.putObject("capabilities");
        params.putObject("clientInfo").put("name", "lightmem-java-test").put("version", "1");
        JsonNode initialized = client.request("initialize", params);
        if (!initialized.has("result")) {
            throw new AssertionError("initialize failed: " + initialized);
        }
        client.notify("notifications/initialized");
        return client;
    }

    /** The JSON-RPC response message (with "result" or "error"). */
    public JsonNode request(String method, JsonNode params) {
        long id = ids.incrementAndGet();
        ObjectNode message = JSON.createObjectNode().put("jsonrpc", "2.0").put("id", id).put("method", method);
        message.set("params", params);
        HttpResponse<String> response = post(message);
        if (response.statusCode() >= 400) {
            throw new Refused(response);
        }
        if (sessionId == null) {
            sessionId = response.headers().firstValue("Mcp-Session-Id").orElse(null);
        }
        String type = response.headers().firstValue("Content-Type").orElse("");
        try {
            if (type.startsWith("text/event-stream")) {
                return fromEventStream(response.body(), id);
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("unreadable reply (" + response.statusCode() + "): " + response.body(), e);
        }
    }

    /** tools/call; the JSON-RPC response message. */
    public JsonNode callTool(String name, Map<String, ?> arguments) {
        ObjectNode params = JSON.createObjectNode().put("name", name);
        params.set("arguments", JSON.valueToTree(arguments));
        return request("tools/call", params);
    }

    /** tools/call that must produce a tool result (success or isError); the result. */
    public JsonNode toolResult(String name, Map<String, ?> arguments) {
        JsonNode response = callTool(name, arguments);
        if (!response.has("result")) {
            throw new AssertionError("expected a tool result, got " + response);
        }
        return response.get("result");
    }

    public String sessionId() {
        return sessionId;
    }

    /** The same session, with other headers from now on (e.g. another credential, or none). */
    public McpHttpClient as(Map<String, String> otherHeaders) {
        McpHttpClient other = new McpHttpClient(endpoint, otherHeaders);
        other.sessionId = sessionId;
        other.ids.set(ids.get() + 1000);
        return other;
    }

    /** Ends the session (DELETE with its id); the HTTP status. */
    public int close() {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(60)).DELETE()
                .header("Mcp-Session-Id", sessionId);
        headers.forEach(request::header);
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (IOException e) {
            throw new AssertionError("DELETE " + endpoint + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** An HTTP refusal of a request (4xx/5xx), with the response to look at. */
    public static final class Refused extends RuntimeException {
        private final transient HttpResponse<String> response;

        Refused(HttpResponse<String> response) {
            super("HTTP " + response.statusCode() + ": " + response.body());
            this.response = response;
        }

        public int status() {
            return response.statusCode();
        }

        public String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }

        public String body() {
            return response.body();
        }
    }

    private void notify(String method) {
        HttpResponse<String> response = post(JSON.createObjectNode().put("jsonrpc", "2.0").put("method", method));
        if (response.statusCode() / 100 != 2) {
            throw new Refused(response);
        }
    }

    private HttpResponse<String> post(JsonNode message) {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(message.toString()));
        headers.forEach(request::header);
        if (sessionId != null) {
            request.header("Mcp-Session-Id", sessionId).header("MCP-Protocol-Version", PROTOCOL_VERSION);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("POST " + endpoint + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The response with the given id among the stream's events (others are notifications). */
    private static JsonNode fromEventStream(String body, long id) throws IOException {
        StringBuilder data = new StringBuilder();
        for (String line : (body + "\n\n").split("\r?\n", -1)) {
            if (line.startsWith("data:")) {
                data.append(line.substring(5).strip());
            } else if (line.isEmpty() && data.length() > 0) {
                JsonNode event = JSON.readTree(data.toString());
                data.setLength(0);
                if (event.path("id").asLong(-1) == id) {
                    return event;
                }
            }
        }
        throw new AssertionError("no response with id " + id + " in the event stream: " + body);
    }
}
