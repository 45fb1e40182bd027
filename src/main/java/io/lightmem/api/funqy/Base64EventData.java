package io.lightmem.api.funqy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.Base64;

/**
 * Structured-mode CloudEvents carry their data either as JSON ({@code data}) or as Base64
 * ({@code data_base64}, CloudEvents JSON format 3.1), which the SDKs use for data they hold as bytes.
 * Funqy reads only the first: an event with Base64 JSON data gets that data inlined as {@code data}
 * before Funqy sees it.
 */
final class Base64EventData {

    private Base64EventData() {
    }

    /**
     * Rewrites the body of a structured-mode event with JSON data in {@code data_base64}. Data that is
     * not Base64 of JSON is left as it is, and answered as unreadable data (400) like any other.
     */
    static void inline(RoutingContext context, ObjectMapper json) {
        Buffer body = context.body().buffer();
        if (body == null || body.length() == 0 || !CloudEventInfo.isStructured(context.request())) {
            return;
        }
        JsonNode envelope;
        try {
            envelope = json.readTree(body.getBytes());
        } catch (IOException e) {
            return; // the envelope itself is unreadable: reported as such downstream
        }
        if (envelope == null || !envelope.isObject() || !envelope.hasNonNull("data_base64")
                || envelope.hasNonNull("data")) {
            return;
        }
        String contentType = envelope.path("datacontenttype").asText(null);
        if (contentType != null && !contentType.startsWith("application/json")) {
            return; // not JSON: reported as data the function cannot read
        }
        JsonNode data;
        try {
            data = json.readTree(Base64.getDecoder().decode(envelope.get("data_base64").asText()));
        } catch (IllegalArgumentException | IOException e) {
            return;
        }
        ObjectNode inlined = ((ObjectNode) envelope).deepCopy();
        inlined.remove("data_base64");
        inlined.set("data", data);
        try {
            context.setBody(Buffer.buffer(json.writeValueAsBytes(inlined)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
