package io.lightmem.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A BERT-style sentence encoder on ONNX Runtime: put the model's query or passage prefix before the
 * text, tokenize with the model's HF tokenizer.json, run the encoder, pool the last hidden state
 * (mean over real tokens, or the [CLS] token), normalize. Thread-safe: an {@link OrtSession} may be
 * run concurrently.
 */
public final class OnnxEmbedder implements Embedder, TokenCounter, AutoCloseable {

    /** The all-MiniLM-L6-v2 files shipped inside langchain4j's embeddings jar (no download). */
    public static final String BUILT_IN_MODEL = EmbeddingModel.ALL_MINILM_L6_V2.modelResource();
    public static final String BUILT_IN_TOKENIZER = EmbeddingModel.ALL_MINILM_L6_V2.tokenizerResource();

    /** How a model wants its texts: pooling, and the prefixes of queries and passages. */
    public record Style(EmbeddingModel.Pooling pooling, String queryPrefix, String passagePrefix) {

        /** Mean pooling, no prefixes: sentence-transformers' symmetric models such as all-MiniLM-L6-v2. */
        public static final Style SYMMETRIC_MEAN = new Style(EmbeddingModel.Pooling.MEAN, "", "");

        public static Style of(EmbeddingModel model) {
            return new Style(model.pooling(), model.prefix(EmbeddingInput.QUERY), model.prefix(EmbeddingInput.PASSAGE));
        }

        String prefix(EmbeddingInput input) {
            return input == EmbeddingInput.QUERY ? queryPrefix : passagePrefix;
        }

        /** What the model id adds for a style other than the plain one, so other vectors get another id. */
        String idSuffix() {
            return equals(SYMMETRIC_MEAN) ? "" : ";pooling=" + pooling.name().toLowerCase(java.util.Locale.ROOT)
                    + ";query-prefix=\"" + queryPrefix + "\";passage-prefix=\"" + passagePrefix + "\"";
        }
    }

    private final OrtSession session;
    /** With [CLS] and [SEP], never truncated: {@link #windows} decides what the model reads. */
    private final HuggingFaceTokenizer tokenizer;
    /** The same vocabulary without truncation: budgets count whole texts. */
    private final HuggingFaceTokenizer counter;
    private final boolean needsTokenTypeIds;
    private final int dimension;
    private final String modelId;
    private final int batchSize;
    private final int maxLength;
    private final LongTexts longTexts;
    private final int queryPrefixTokens;
    private final int passagePrefixTokens;
    private final Style style;
    private final NativeModel lifecycle = new NativeModel("embedder");

    /** A symmetric mean-pooling model (all-MiniLM-L6-v2 and the like), long texts averaged. */
    public OnnxEmbedder(ModelFiles files, OrtSession.SessionOptions options, int batchSize, int maxLength) {
        this(files, Style.SYMMETRIC_MEAN, options, batchSize, maxLength, LongTexts.average);
    }

    /** A built-in model, embedding as its authors trained it, long texts averaged. */
    public OnnxEmbedder(EmbeddingModel model, OrtSession.SessionOptions options, int batchSize, int maxLength) {
        this(ModelFiles.builtIn(model), Style.of(model), options, batchSize, maxLength, LongTexts.average);
    }

    public OnnxEmbedder(ModelFiles files, Style style, OrtSession.SessionOptions options, int batchSize,
            int maxLength, LongTexts longTexts) {
        this.style = style;
        this.maxLength = maxLength;
        this.longTexts = longTexts;
        this.tokenizer = tokenizer(files, Map.of("truncation", "false", "padding", "false"));
        this.counter = tokenizer(files, Map.of(
                "truncation", "false", "padding", "false", "addSpecialTokens", "false"));
        this.queryPrefixTokens = countTokens(style.prefix(EmbeddingInput.QUERY));
        this.passagePrefixTokens = countTokens(style.prefix(EmbeddingInput.PASSAGE));
        if (Math.max(queryPrefixTokens, passagePrefixTokens) + 2 >= maxLength) {
            throw new IllegalStateException("lightmem.text-embedder.max-length " + maxLength
                    + " leaves no room for text after the model's prefixes (" + queryPrefixTokens + " and "
                    + passagePrefixTokens + " tokens)");
        }
        try {
            byte[] model = files.readModel();
            // A built-in file implies its style; a file given by path does not, so the id says it.
            this.modelId = files.name() + "@sha256:" + sha256(model) + (files.onClasspath() ? "" : style.idSuffix());
            this.session = OrtEnvironment.getEnvironment().createSession(model, options);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read embedding model " + files, e);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime cannot load embedding model " + files + ": " + e.getMessage(), e);
        }
        Set<String> inputs = session.getInputNames();
        if (!inputs.contains("input_ids") || !inputs.contains("attention_mask")) {
            throw new IllegalStateException("embedding model " + files + " must take input_ids and attention_mask, has " + inputs);
        }
        this.needsTokenTypeIds = inputs.contains("token_type_ids");
        this.batchSize = batchSize;
        this.dimension = embed(List.of("dimension probe"), EmbeddingInput.PASSAGE).get(0).length;
    }

    private static HuggingFaceTokenizer tokenizer(ModelFiles files, Map<String, String> options) {
        try (InputStream tokenizerJson = files.openTokenizer()) {
            return HuggingFaceTokenizer.newInstance(tokenizerJson, options);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the tokenizer of embedding model " + files, e);
        }
    }

    @Override
    public int dimension() {
        return dimension;
    }

    /** The model file's name and the SHA-256 of its bytes: the same on every node that has the same model. */
    @Override
    public String modelId() {
        return modelId;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    @Override
    public int countTokens(String text) {
        return lifecycle.use(() -> counter.encode(text, false, false).getIds().length);
    }

    @Override
    public List<float[]> embed(List<String> texts, EmbeddingInput input) {
        if (texts.isEmpty()) {
            return List.of();
        }
        String prefix = style.prefix(input);
        List<String> prefixed = prefix.isEmpty() ? texts : texts.stream().map(t -> prefix + t).toList();
        return lifecycle.use(() -> {
            Encoding[] encodings = tokenizer.batchEncode(prefixed);
            List<long[]> windows = new ArrayList<>();
            int[] firstWindow = new int[encodings.length + 1];
            for (int i = 0; i < encodings.length; i++) {
                firstWindow[i] = windows.size();
                windows.addAll(windows(encodings[i].getIds(), prefixTokens(input)));
            }
            firstWindow[encodings.length] = windows.size();
            float[][] embedded = embedWindows(windows);
            List<float[]> vectors = new ArrayList<>(encodings.length);
            for (int i = 0; i < encodings.length; i++) {
                vectors.add(average(embedded, windows, firstWindow[i], firstWindow[i + 1]));
            }
            return vectors;
        });
    }

    private int prefixTokens(EmbeddingInput input) {
        return input == EmbeddingInput.QUERY ? queryPrefixTokens : passagePrefixTokens;
    }

    /**
     * The model's inputs for one tokenized text ({@code [CLS] prefix text [SEP]}): the text itself if it
     * fits, else its first window (truncate) or every window, each with the same [CLS], prefix and [SEP]
     * around its part of the text (average).
     */
    private List<long[]> windows(long[] ids, int prefixLength) {
        if (ids.length <= maxLength) {
            return List.of(ids);
        }
        int head = 1 + prefixLength;
        int textLength = ids.length - head - 1;
        int step = maxLength - head - 1;
        List<long[]> windows = new ArrayList<>();
        for (int start = 0; start < textLength; start += step) {
            int length = Math.min(step, textLength - start);
            long[] window = new long[head + length + 1];
            System.arraycopy(ids, 0, window, 0, head);
            System.arraycopy(ids, head + start, window, head, length);
            window[window.length - 1] = ids[ids.length - 1];
            windows.add(window);
            if (longTexts == LongTexts.truncate) {
                break;
            }
        }
        return windows;
    }

    /** One vector per window, windows of like length run together (LengthBatches). */
    private float[][] embedWindows(List<long[]> windows) {
        int[] lengths = new int[windows.size()];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = windows.get(i).length;
        }
        float[][] vectors = new float[lengths.length][];
        for (int[] run : LengthBatches.plan(lengths, batchSize)) {
            long[][] together = new long[run.length][];
            for (int i = 0; i < run.length; i++) {
                together[i] = windows.get(run[i]);
            }
            List<float[]> embedded = run(together);
            for (int i = 0; i < run.length; i++) {
                vectors[run[i]] = embedded.get(i);
            }
        }
        return vectors;
    }

    /** The unit vector of a text from its windows' vectors, each weighted by the tokens it read. */
    private static float[] average(float[][] embedded, List<long[]> windows, int from, int to) {
        if (to - from == 1) {
            return embedded[from];
        }
        float[] sum = new float[embedded[from].length];
        for (int w = from; w < to; w++) {
            int weight = windows.get(w).length;
            for (int d = 0; d < sum.length; d++) {
                sum[d] += weight * embedded[w][d];
            }
        }
        return normalize(sum);
    }

    private List<float[]> run(long[][] tokenIds) {
        int width = 0;
        for (long[] one : tokenIds) {
            width = Math.max(width, one.length);
        }
        // A single text: no other sequence, so every token type is 0; padding is masked out.
        long[][] ids = new long[tokenIds.length][width];
        long[][] mask = new long[tokenIds.length][width];
        long[][] types = new long[tokenIds.length][width];
        for (int i = 0; i < tokenIds.length; i++) {
            System.arraycopy(tokenIds[i], 0, ids[i], 0, tokenIds[i].length);
            Arrays.fill(mask[i], 0, tokenIds[i].length, 1L);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor idsTensor = OnnxTensor.createTensor(env, ids);
                OnnxTensor maskTensor = OnnxTensor.createTensor(env, mask);
                OnnxTensor typesTensor = OnnxTensor.createTensor(env, types)) {
            Map<String, OnnxTensor> feed = needsTokenTypeIds
                    ? Map.of("input_ids", idsTensor, "attention_mask", maskTensor, "token_type_ids", typesTensor)
                    : Map.of("input_ids", idsTensor, "attention_mask", maskTensor);
            try (OrtSession.Result result = session.run(feed)) {
                float[][][] hidden = (float[][][]) result.get(0).getValue();
                List<float[]> vectors = new ArrayList<>(tokenIds.length);
                for (int i = 0; i < hidden.length; i++) {
                    vectors.add(normalize(style.pooling() == EmbeddingModel.Pooling.CLS
                            ? hidden[i][0].clone() : meanPool(hidden[i], mask[i])));
                }
                return vectors;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("embedding failed: " + e.getMessage(), e);
        }
    }

    private static float[] meanPool(float[][] tokens, long[] mask) {
        float[] sum = new float[tokens[0].length];
        int count = 0;
        for (int t = 0; t < tokens.length; t++) {
            if (mask[t] == 0) {
                continue;
            }
            count++;
            for (int d = 0; d < sum.length; d++) {
                sum[d] += tokens[t][d];
            }
        }
        for (int d = 0; d < sum.length; d++) {
            sum[d] /= Math.max(1, count);
        }
        return sum;
    }

    private static float[] normalize(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        float scale = norm == 0 ? 0 : (float) (1 / Math.sqrt(norm));
        for (int d = 0; d < v.length; d++) {
            v[d] *= scale;
        }
        return v;
    }

    @Override
    public void close() {
        lifecycle.close(() -> {
            session.close();
            tokenizer.close();
            counter.close();
        });
    }

    /** Where an ONNX model and its tokenizer come from: files, or resources on the classpath. */
    public record ModelFiles(String model, String tokenizer, boolean onClasspath) {

        /** all-MiniLM-L6-v2. */
        public static ModelFiles builtIn() {
            return builtIn(EmbeddingModel.ALL_MINILM_L6_V2);
        }

        public static ModelFiles builtIn(EmbeddingModel model) {
            return new ModelFiles(model.modelResource(), model.tokenizerResource(), true);
        }

        public static ModelFiles of(Path model, Path tokenizer) {
            return new ModelFiles(model.toString(), tokenizer.toString(), false);
        }

        /** The model's file name, without its directory. */
        String name() {
            return Path.of(model).getFileName().toString();
        }

        byte[] readModel() throws IOException {
            if (!onClasspath) {
                return Files.readAllBytes(Path.of(model));
            }
            try (InputStream in = open(model)) {
                return in.readAllBytes();
            }
        }

        InputStream openTokenizer() throws IOException {
            return onClasspath ? open(tokenizer) : Files.newInputStream(Path.of(tokenizer));
        }

        private static InputStream open(String resource) throws IOException {
            InputStream in = OnnxEmbedder.class.getClassLoader().getResourceAsStream(resource);
            if (in == null) {
                throw new IOException("classpath resource " + resource + " not found");
            }
            return in;
        }

        @Override
        public String toString() {
            return (onClasspath ? "classpath:" : "") + model;
        }
    }
}
