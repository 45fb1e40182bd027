package io.lightmem.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;

/**
 * Every function of the HTTP port, each with a body it can serve, sent as plain HTTP JSON or as a
 * binary-mode CloudEvent, with or without a credential.
 */
final class HttpCalls {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A response: status, headers, body. */
    record Answer(int status, Map<String, List<String>> headers, String body) {

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }
    }

    /**
     * @param needs the permission the function needs; null when any authenticated caller may call it
     * @param body the request for a user id and the caller's tenant
     */
    record Function(String name, Permission needs, boolean userScoped, BiFunction<String, String, String> body) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Function> ALL = List.of(
            user("AddMemory", Permission.MEMORIES_WRITE, "\"messages\": [{\"role\": \"user\", \"content\": \"I keep bees"
                    + " on my roof.\", \"time_stamp\": \"2024-01-15T10:30:00\"}]"),
            user("Flush", Permission.MEMORIES_WRITE, null),
            user("Retrieve", Permission.MEMORIES_READ, "\"query\": \"bees\""),
            user("GetMemory", Permission.MEMORIES_READ, "\"memory_id\": \"" + UUID.randomUUID() + "\""),
            user("ListMemories", Permission.MEMORIES_READ, null),
            user("ConstructUpdateQueue", Permission.CONSOLIDATE, null),
            user("OfflineUpdate", Permission.CONSOLIDATE, null),
            user("ListHistory", Permission.MEMORIES_READ, null),
            user("UndoChange", Permission.MEMORIES_WRITE, "\"change_id\": 1"),
            user("DeleteMemories", Permission.MEMORIES_ERASE, "\"memory_ids\": [\"" + UUID.randomUUID() + "\"]"),
            user("GetUsage", Permission.MEMORIES_READ, null),
            new Function("GetTimestamp", null, false, (u, t) -> "{}"),
            new Function("ShowInstance", null, false, (u, t) -> "{}"),
            new Function("RunConsolidation", Permission.CONSOLIDATE, false, (u, t) -> "{}"),
            new Function("CreateApiKey", Permission.ADMIN, false, (u, t) -> "{\"name\": \"made by a test\", \"scopes\": [\"admin\"]}"),
            new Function("ListApiKeys", Permission.ADMIN, false, (u, t) -> "{}"),
            new Function("RevokeApiKey", Permission.ADMIN, false, (u, t) -> "{\"key_id\": \"nosuchkeyaaaaaaa\"}"),
            new Function("EraseTenant", Permission.ADMIN, false, (u, t) -> "{\"tenant_id\": \"" + t + "\"}"),
            new Function("ListAuditLog", Permission.ADMIN, false, (u, t) -> "{}"));

    private HttpCalls() {
    }

    private static Function user(String name, Permission needs, String fields) {
        return new Function(name, needs, true,
                (u, t) -> "{\"user_id\": \"" + u + "\"" + (fields == null ? "" : ", " + fields) + "}");
    }

    static Function named(String name) {
        return ALL.stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
    }

    /** POST /<function> with a JSON body. */
    static Answer call(int port, Function function, String credential, String userId, String tenant) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        return post(port, "/" + function.name(), credential, headers, function.body().apply(userId, tenant));
    }

    /** The function's CloudEvent (binary mode) to "/", as a Knative broker delivers it. */
    static Answer event(int port, Function function, String credential, String userId, String tenant) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("ce-specversion", "1.0");
        headers.put("ce-id", UUID.randomUUID().toString());
        headers.put("ce-source", "/tests/auth");
        headers.put("ce-type", "io.lightmem.v1." + function.name());
        return post(port, "/", credential, headers, function.body().apply(userId, tenant));
    }

    static Answer post(int port, String path, String credential, Map<String, String> headers, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        if (credential != null) {
            request.header("Authorization", "Bearer " + credential);
        }
        return send(request.build());
    }

    static Answer get(int port, String path, String credential) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60)).GET();
        if (credential != null) {
            request.header("Authorization", "Bearer " + credential);
        }
        return send(request.build());
    }

    private static Answer send(HttpRequest request) {
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.headers().map(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
