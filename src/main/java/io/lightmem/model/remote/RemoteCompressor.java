package io.lightmem.model.remote;

import io.lightmem.compress.Compression;
import io.lightmem.compress.Compressor;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * LLMLingua-2 on the model service, at this instance's rate. A text the service could not compress
 * comes back unchanged and {@code failed}, as in process; the service being unreachable is not such
 * a failure: it throws {@link io.lightmem.UnavailableException}, so the add fails before anything is
 * stored instead of silently storing uncompressed text.
 */
final class RemoteCompressor implements Compressor {

    private final ModelServiceClient client;
    private final double rate;
    private final AtomicLong failures = new AtomicLong();

    RemoteCompressor(ModelServiceClient client, double rate) {
        Compressor.checkRate(rate);
        this.client = client;
        this.rate = rate;
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public double defaultRate() {
        return rate;
    }

    @Override
    public List<Compression> compress(List<String> texts, double rate) {
        Compressor.checkRate(rate);
        texts.forEach(text -> Objects.requireNonNull(text, "text"));
        List<Compression> results = client.compress(texts, rate);
        failures.addAndGet(results.stream().filter(Compression::failed).count());
        return results;
    }

    @Override
    public long failures() {
        return failures.get();
    }

    @Override
    public String toString() {
        return "LLMLingua-2 of the model service at " + client.endpoint() + " (rate " + rate + ")";
    }
}
