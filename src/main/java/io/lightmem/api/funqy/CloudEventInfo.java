package io.lightmem.api.funqy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The context attributes of an incoming CloudEvent, read the way Funqy decides what a request is:
 * binary mode when a ce-id header is present, structured mode for application/cloudevents+json.
 *
 * @param missing required attributes the event lacks (empty for a well-formed event)
 */
public record CloudEventInfo(boolean structured, String id, String source, String type, String specVersion,
        String contentType, boolean hasData, List<String> missing) {

    static final String STRUCTURED_MEDIA_TYPE = "application/cloudevents+json";

    public static boolean isCloudEvent(HttpServerRequest request) {
        String contentType = request.getHeader("Content-Type");
        return request.headers().contains("ce-id")
                || contentType != null && contentType.startsWith(STRUCTURED_MEDIA_TYPE);
    }

    /** Structured mode: the whole event, attributes and data, is the JSON body. */
    static boolean isStructured(HttpServerRequest request) {
        String contentType = request.getHeader("Content-Type");
        return !request.headers().contains("ce-id") && contentType != null
                && contentType.startsWith(STRUCTURED_MEDIA_TYPE);
    }

    static CloudEventInfo of(RoutingContext context, ObjectMapper json) {
        HttpServerRequest request = context.request();
        if (request.headers().contains("ce-id")) {
            boolean hasData = context.body().buffer() != null && context.body().buffer().length() > 0;
            return withMissing(false, request.getHeader("ce-id"), request.getHeader("ce-source"),
                    request.getHeader("ce-type"), request.getHeader("ce-specversion"), request.getHeader("Content-Type"),
                    hasData);
        }
        JsonNode envelope = null;
        try {
            envelope = context.body().buffer() == null ? null : json.readTree(context.body().buffer().getBytes());
        } catch (IOException e) {
            // reported as the missing attributes below
        }
        if (envelope == null || !envelope.isObject()) {
            return new CloudEventInfo(true, null, null, null, null, null, false,
                    List.of("a JSON object (structured mode)"));
        }
        return withMissing(true, text(envelope, "id"), text(envelope, "source"), text(envelope, "type"),
                text(envelope, "specversion"), text(envelope, "datacontenttype"),
                envelope.hasNonNull("data") || envelope.hasNonNull("data_base64"));
    }

    private static CloudEventInfo withMissing(boolean structured, String id, String source, String type,
            String specVersion, String contentType, boolean hasData) {
        List<String> missing = new ArrayList<>();
        require(missing, "id", id);
        require(missing, "source", source);
        require(missing, "type", type);
        require(missing, "specversion", specVersion);
        return new CloudEventInfo(structured, id, source, type, specVersion, contentType, hasData,
                List.copyOf(missing));
    }

    private static void require(List<String> missing, String name, String value) {
        if (value == null || value.isEmpty()) {
            missing.add(name);
        }
    }

    private static String text(JsonNode envelope, String name) {
        JsonNode value = envelope.get(name);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** Binary-mode data Funqy can read as a request: JSON. */
    boolean hasJsonData() {
        return structured ? contentType == null || contentType.startsWith("application/json")
                : contentType != null && contentType.startsWith("application/json");
    }
}
