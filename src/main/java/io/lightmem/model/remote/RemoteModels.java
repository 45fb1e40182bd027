package io.lightmem.model.remote;

import io.lightmem.FailedPreconditionException;
import io.lightmem.UnavailableException;
import io.lightmem.compress.CompressionConfig;
import io.lightmem.compress.Compressor;
import io.lightmem.model.Embedder;
import io.lightmem.model.Models;
import io.lightmem.model.SentenceAttention;
import io.lightmem.model.TextEmbedderConfig;
import io.lightmem.model.TokenCounter;
import io.lightmem.model.remote.ModelServiceClient.Expectations;
import io.lightmem.model.remote.ModelServiceClient.ModelInfo;
import io.lightmem.model.remote.ModelServiceClient.Settings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The models of role {@code api}: every model call goes to the model service at
 * {@code lightmem.models.endpoint}. Never falls back to models in process, which could give
 * other vectors than the ones already stored.
 */
public final class RemoteModels implements Models, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RemoteModels.class);
    /** Readiness asks the service itself; a health probe must not wait for retries. */
    private static final Duration PROBE_DEADLINE = Duration.ofSeconds(2);

    private final ModelServiceClient client;
    private final Embedder embedder;
    private final TokenCounter tokenCounter;
    private final Compressor compressor;
    private final Optional<SentenceAttention> attention;

    public RemoteModels(ModelServiceClient client, int dims, boolean preCompress, double rate) {
        this.client = client;
        this.embedder = new RemoteEmbedder(client, dims);
        this.tokenCounter = new RemoteTokenCounter(client);
        this.compressor = preCompress ? new RemoteCompressor(client, rate) : Compressor.NONE;
        this.attention = Optional.of(new RemoteSentenceAttention(client));
    }

    /** The remote models {@code lightmem.*} describes. */
    public static RemoteModels of(ModelServiceConfig service, TextEmbedderConfig embedder,
            CompressionConfig compression) {
        ModelServiceClient client = new ModelServiceClient(Settings.of(service),
                new Expectations(embedder.dims(), compression.preCompress()));
        return new RemoteModels(client, embedder.dims(), compression.preCompress(), compression.preCompressor().rate());
    }

    /**
     * Checks the service at start-up: a service that answers with other models stops the
     * application (its vectors would not match the stored ones); one that does not answer yet only
     * keeps this instance unready, since the model service may well start after the API.
     */
    public void checkAtStartup() {
        try {
            client.info();
        } catch (UnavailableException e) {
            LOG.warnf("%s; this instance stays unready until it answers", e.getMessage());
        } catch (FailedPreconditionException e) {
            client.close();
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    public ModelServiceClient client() {
        return client;
    }

    @Override
    public Embedder embedder() {
        return embedder;
    }

    @Override
    public TokenCounter tokenCounter() {
        return tokenCounter;
    }

    @Override
    public Compressor compressor() {
        return compressor;
    }

    @Override
    public Optional<SentenceAttention> attention() {
        return attention;
    }

    @Override
    public Availability availability() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("models", "model service at " + client.endpoint());
        try {
            ModelInfo info = client.probe(PROBE_DEADLINE);
            data.put("embedding.model", info.embeddingModelId());
            data.put("embedding.dims", info.embeddingDimension());
            data.put("compression", info.compression() ? info.compressionModel() : "off");
            data.put("attention", info.attention() ? info.attentionModel() : "none");
            return new Availability(true, data);
        } catch (RuntimeException e) {
            data.put("models.error", e.getMessage());
            return new Availability(false, data);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
