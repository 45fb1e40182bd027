package io.lightmem.compress;

import io.lightmem.compress.CompressionConfig.PreCompressorConfig;
import io.lightmem.model.OnnxSessions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Builds the in-process {@link Compressor} from {@code lightmem.pre-compress} and
 * {@code lightmem.pre-compressor.*}: {@link Compressor#NONE} unless pre-compression is on, then
 * LLMLingua-2 on the configured model (a missing file or an unavailable execution provider fails
 * with a message naming the setting).
 */
public final class CompressorFactory {

    private static final Logger LOG = Logger.getLogger(CompressorFactory.class);

    private CompressorFactory() {
    }

    /** Builds the compressor {@code lightmem.pre-compress} and {@code lightmem.pre-compressor.*} ask for. */
    public static Compressor create(boolean preCompress, PreCompressorConfig config) {
        if (!preCompress) {
            LOG.debug("pre-compression off (lightmem.pre-compress=false)");
            return Compressor.NONE;
        }
        String model = config.modelPath().filter(p -> !p.isBlank()).orElseThrow(() -> new IllegalStateException(
                "lightmem.pre-compressor.model-path is required when lightmem.pre-compress=true "
                        + "(the LLMLingua-2 token-classification model exported to ONNX; see docs/compression.md)"));
        String tokenizer = config.tokenizerPath().filter(p -> !p.isBlank()).orElseThrow(() -> new IllegalStateException(
                "lightmem.pre-compressor.tokenizer-path is required when lightmem.pre-compress=true "
                        + "(the model's tokenizer.json; see docs/compression.md)"));
        if (!(config.rate() > 0.0 && config.rate() <= 1.0)) {
            throw new IllegalStateException("lightmem.pre-compressor.rate must be in (0, 1], got " + config.rate());
        }
        LlmLingua2Compressor.Settings settings = new LlmLingua2Compressor.Settings(config.rate(),
                forceTokens(config.forceTokens().orElse(List.of())), config.maxWindowTokens(), config.batchSize());
        long started = System.nanoTime();
        LlmLingua2Compressor compressor;
        try {
            compressor = new LlmLingua2Compressor(Path.of(model), Path.of(tokenizer),
                    OnnxSessions.options(config.executionProvider(), config.deviceId(), config.intraOpThreads()), settings);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot start the pre-compressor (lightmem.pre-compressor.*): " + e.getMessage(), e);
        }
        LOG.infof("pre-compressor %s loaded on %s in %d ms", compressor, config.executionProvider(),
                (System.nanoTime() - started) / 1_000_000);
        return compressor;
    }

    /**
     * Force tokens as configured, with the escapes {@code \n}, {@code \r}, {@code \t} and
     * {@code \\} turned into the characters they name (a list entry cannot hold a bare newline
     * in an environment variable).
     */
    public static List<String> forceTokens(List<String> configured) {
        List<String> tokens = new ArrayList<>(configured.size());
        for (String entry : configured) {
            StringBuilder token = new StringBuilder(entry.length());
            for (int i = 0; i < entry.length(); i++) {
                char c = entry.charAt(i);
                if (c == '\\' && i + 1 < entry.length()) {
                    char next = entry.charAt(++i);
                    token.append(switch (next) {
                        case 'n' -> '\n';
                        case 'r' -> '\r';
                        case 't' -> '\t';
                        default -> next;
                    });
                } else {
                    token.append(c);
                }
            }
            if (!token.isEmpty()) {
                tokens.add(token.toString());
            }
        }
        return tokens;
    }
}
