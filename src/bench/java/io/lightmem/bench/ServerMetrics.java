package io.lightmem.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The service's Prometheus metrics (/q/metrics), read before and after a measured run so that the
 * sums of its stage timers ({@code lightmem_stage_seconds}, the gRPC server's own timer) give where
 * the time of the run went on the server side.
 */
final class ServerMetrics {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI endpoint;

    /** @param endpoint e.g. http://127.0.0.1:8180/q/metrics; null or blank: no server-side breakdown */
    ServerMetrics(String endpoint) {
        this.endpoint = endpoint == null || endpoint.isBlank() ? null : URI.create(endpoint);
    }

    boolean available() {
        return endpoint != null;
    }

    /** Every sample, keyed by {@code name{labels}} as printed (exemplars dropped); empty when unavailable. */
    Map<String, Double> read() {
        Map<String, Double> samples = new HashMap<>();
        if (endpoint == null) {
            return samples;
        }
        String body;
        try {
            body = http.send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + endpoint, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        for (String line : body.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int exemplar = line.indexOf(" # ");
            String sample = exemplar < 0 ? line : line.substring(0, exemplar);
            int space = sample.lastIndexOf(' ');
            try {
                samples.put(sample.substring(0, space), Double.parseDouble(sample.substring(space + 1)));
            } catch (NumberFormatException e) {
                // not a sample line
            }
        }
        return samples;
    }

    /** after - before of every sample whose key starts with {@code prefix} and contains {@code part}. */
    static double delta(Map<String, Double> before, Map<String, Double> after, String prefix, String part) {
        double sum = 0;
        for (Map.Entry<String, Double> e : after.entrySet()) {
            if (e.getKey().startsWith(prefix) && e.getKey().contains(part)) {
                sum += e.getValue() - before.getOrDefault(e.getKey(), 0.0);
            }
        }
        return sum;
    }
}
