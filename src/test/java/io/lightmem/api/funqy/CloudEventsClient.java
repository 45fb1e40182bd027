package io.lightmem.api.funqy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.jackson.JsonFormat;
import io.lightmem.testing.ServiceClients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends CloudEvents over real HTTP with the CloudEvents Java SDK, as a Knative broker would, and reads
 * the reply event (binary or structured) with it.
 */
final class CloudEventsClient {

    /** Binary or structured mode; structured with the data as Base64 (data_base64), as SDKs send bytes. */
    enum Mode { BINARY, STRUCTURED, STRUCTURED_BASE64 }

    /** The HTTP status and the reply event (null when the response carries none). */
    record Reply(int status, String contentType, CloudEvent event) {

        JsonNode data() {
            try {
                return JSON.readTree(event.getData().toBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI target;

    CloudEventsClient(URI target) {
        this.target = target;
    }

    /** An event of the given type with JSON data, as a sender would build it. */
    static CloudEvent event(String type, String jsonData) {
        CloudEventBuilder builder = CloudEventBuilder.v1()
                .withId(UUID.randomUUID().toString())
                .withSource(URI.create("/tests/funqy"))
                .withType(type);
        if (jsonData != null) {
            builder.withDataContentType("application/json").withData(jsonData.getBytes(StandardCharsets.UTF_8));
        }
        return builder.build();
    }

    Reply send(CloudEvent event, Mode mode) {
        HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(60))
                .header("Prefer", "reply"); // as brokers announce they take reply events
        AtomicReference<byte[]> body = new AtomicReference<>();
        var writer = HttpMessageFactory.createWriter(request::header, body::set);
        switch (mode) {
            case BINARY -> writer.writeBinary(event);
            case STRUCTURED -> writer.writeStructured(event, JsonFormat.CONTENT_TYPE);
            case STRUCTURED_BASE64 -> writer.writeStructured(event, new JsonFormat(true, false));
        }
        return post(request, body.get());
    }

    /** A raw request, for events the SDK would refuse to build. */
    Reply sendRaw(java.util.Map<String, String> headers, String rawBody) {
        HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(60));
        headers.forEach(request::header);
        return post(request, rawBody == null ? null : rawBody.getBytes(StandardCharsets.UTF_8));
    }

    private Reply post(HttpRequest.Builder request, byte[] body) {
        ServiceClients.credentials().forEach(request::header);
        request.POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            String contentType = response.headers().firstValue("Content-Type").orElse(null);
            CloudEvent reply = response.headers().firstValue("ce-id").isPresent() || contentType != null
                    && contentType.startsWith("application/cloudevents+json")
                    ? HttpMessageFactory.createReaderFromMultimap(response.headers().map(), response.body()).toEvent()
                    : null;
            return new Reply(response.statusCode(), contentType, reply);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
