package io.lightmem.segment;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.lightmem.model.NativeModel;
import io.lightmem.model.SentenceAttention;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Sentence attention (docs/design.md, "Topic segmentation": coarse boundaries) from an encoder on ONNX Runtime.
 *
 * <p>The user sentences are joined with one space, {@code "s1 s2 … sn"}, and tokenized with the
 * model's tokenizer (which adds [CLS]/[SEP]); tokens are mapped to sentences by their character
 * offsets (special tokens → -1). The selected attention layers are averaged over layers and heads
 * into one [seq, seq] map, and {@link TopicBoundaries#sentenceAttention} turns it into M.
 *
 * <p>The model contract: inputs {@code input_ids}, and {@code attention_mask} /
 * {@code token_type_ids} when declared (only declared inputs are fed); outputs whose names start
 * with {@code attentions} (Optimum's {@code attentions.0 … attentions.L-1} when exported with
 * {@code output_attentions=True}), each float [batch, heads, seq, seq]. Outputs named
 * {@code attentions.N} are ordered by N, others by their order in the model.
 *
 * <p>Texts longer than the window are truncated to it: sentences wholly past the window have no
 * tokens, so their rows of M are zero and nothing attends to them. outer[k] is then 0 for them, so
 * no coarse boundary lies among them; the last sentence inside the window may become a local
 * maximum against that zero. The default buffer (512 tokens) and window (512) keep this rare.
 * Thread-safe.
 */
public final class OnnxSentenceAttention implements SentenceAttention, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(OnnxSentenceAttention.class);
    private static final Set<String> KNOWN_INPUTS = Set.of("input_ids", "attention_mask", "token_type_ids");
    static final String ATTENTIONS = "attentions";

    /** Which layers to average (0-based) and the model window in tokens. */
    public record Settings(List<Integer> layers, int maxWindowTokens) {
        public Settings {
            layers = List.copyOf(new LinkedHashSet<>(layers));
            if (layers.isEmpty() || layers.stream().anyMatch(l -> l < 0)) {
                throw new IllegalArgumentException("attention layers must be a non-empty list of indices >= 0, got " + layers);
            }
            if (maxWindowTokens < 3) {
                throw new IllegalArgumentException("the window must hold at least 3 tokens, got " + maxWindowTokens);
            }
        }
    }

    private final String model;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    /** The output names of the selected layers. */
    private final Set<String> selected;
    private final boolean feedsAttentionMask;
    private final boolean feedsTokenTypeIds;
    private final NativeModel lifecycle = new NativeModel("attention model");

    public OnnxSentenceAttention(Path modelFile, Path tokenizerFile, OrtSession.SessionOptions options, Settings settings) {
        this.model = modelFile.toString();
        // These options override truncation and padding saved in tokenizer.json (as in LlmLingua2Compressor).
        Map<String, String> window = Map.of("addSpecialTokens", "true", "truncation", "true", "padding", "false",
                "maxLength", Integer.toString(settings.maxWindowTokens()));
        HuggingFaceTokenizer tok = null;
        OrtSession ort = null;
        try {
            if (!Files.isRegularFile(tokenizerFile)) {
                throw new IllegalStateException("attention tokenizer " + tokenizerFile + " is not a readable file");
            }
            if (!Files.isRegularFile(modelFile)) {
                throw new IllegalStateException("attention model " + modelFile + " is not a readable file");
            }
            tok = HuggingFaceTokenizer.newInstance(tokenizerFile, window);
            ort = OrtEnvironment.getEnvironment().createSession(modelFile.toString(), options);
            Set<String> inputs = ort.getInputNames();
            if (!inputs.contains("input_ids") || !KNOWN_INPUTS.containsAll(inputs)) {
                throw new IllegalStateException("attention model " + modelFile
                        + " must take input_ids and optionally attention_mask and token_type_ids, but takes " + inputs);
            }
            List<String> layers = attentionOutputs(ort.getOutputNames());
            if (layers.isEmpty()) {
                throw new IllegalStateException("attention model " + modelFile + " has no attention outputs (outputs: "
                        + ort.getOutputNames() + "); export it with output_attentions=True so it gives attentions.0 … attentions.N");
            }
            Set<String> chosen = new LinkedHashSet<>();
            for (int layer : settings.layers()) {
                if (layer >= layers.size()) {
                    throw new IllegalStateException("attention model " + modelFile + " has " + layers.size()
                            + " attention layers but lightmem.topic-segmenter.layers asks for layer " + layer
                            + " (layers are 0-based: " + settings.layers() + ")");
                }
                chosen.add(layers.get(layer));
            }
            this.selected = Set.copyOf(chosen);
            this.feedsAttentionMask = inputs.contains("attention_mask");
            this.feedsTokenTypeIds = inputs.contains("token_type_ids");
        } catch (IOException e) {
            closeQuietly(ort, tok);
            throw new UncheckedIOException("cannot read attention tokenizer " + tokenizerFile, e);
        } catch (OrtException e) {
            closeQuietly(ort, tok);
            throw new IllegalStateException("ONNX Runtime cannot load attention model " + modelFile + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(ort, tok);
            throw e;
        }
        this.session = ort;
        this.tokenizer = tok;
    }

    /** The attention outputs in layer order: by N for {@code attentions.N}, else as declared. */
    static List<String> attentionOutputs(Set<String> outputs) {
        List<String> names = new ArrayList<>(outputs.stream().filter(n -> n.startsWith(ATTENTIONS)).toList());
        if (names.stream().allMatch(n -> n.matches(ATTENTIONS + "\\.\\d+"))) {
            names.sort((a, b) -> Integer.compare(layerOf(a), layerOf(b)));
        }
        return names;
    }

    private static int layerOf(String name) {
        return Integer.parseInt(name.substring(ATTENTIONS.length() + 1));
    }

    @Override
    public double[][] of(List<String> sentences) {
        return lifecycle.use(() -> attentionOf(sentences));
    }

    private double[][] attentionOf(List<String> sentences) {
        int n = sentences.size();
        if (n == 0) {
            return new double[0][0];
        }
        // Sentence i covers code points [start[i], end[i]) of the joined text (the tokenizer counts code points).
        int[] start = new int[n];
        int[] end = new int[n];
        int position = 0;
        for (int i = 0; i < n; i++) {
            String sentence = sentences.get(i);
            start[i] = position;
            end[i] = position + sentence.codePointCount(0, sentence.length());
            position = end[i] + 1;
        }
        Encoding encoding = tokenizer.encode(String.join(" ", sentences), true, false);
        long[] ids = encoding.getIds();
        CharSpan[] spans = encoding.getCharTokenSpans();
        long[] special = encoding.getSpecialTokenMask();
        int[] sentenceOfToken = new int[ids.length];
        int sentence = 0;
        for (int t = 0; t < ids.length; t++) {
            sentenceOfToken[t] = -1;
            CharSpan span = spans[t];
            if (special[t] != 0 || span == null || span.getEnd() <= span.getStart()) {
                continue;
            }
            while (sentence + 1 < n && span.getStart() >= end[sentence]) {
                sentence++;
            }
            sentenceOfToken[t] = sentence;
        }
        float[][] attention = run(encoding);
        return TopicBoundaries.sentenceAttention(attention, sentenceOfToken, n);
    }

    /** The selected layers' attention of the one sequence, averaged over layers and heads. */
    private float[][] run(Encoding encoding) {
        int length = encoding.getIds().length;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor ids = OnnxTensor.createTensor(env, new long[][] {encoding.getIds()});
                OnnxTensor mask = OnnxTensor.createTensor(env, new long[][] {encoding.getAttentionMask()});
                OnnxTensor types = OnnxTensor.createTensor(env, new long[][] {encoding.getTypeIds()})) {
            Map<String, OnnxTensor> feed = new HashMap<>();
            feed.put("input_ids", ids);
            if (feedsAttentionMask) {
                feed.put("attention_mask", mask);
            }
            if (feedsTokenTypeIds) {
                feed.put("token_type_ids", types);
            }
            float[][] sum = new float[length][length];
            int maps = 0;
            try (OrtSession.Result result = session.run(feed, selected)) {
                for (String name : selected) {
                    OnnxValue value = result.get(name).orElseThrow();
                    if (!(value.getValue() instanceof float[][][][] layer) || layer.length != 1) {
                        throw new IllegalStateException("model output " + name + " is " + value.getInfo()
                                + ", expected float [1, heads, " + length + ", " + length + "]");
                    }
                    for (float[][] head : layer[0]) {
                        if (head.length != length || head[0].length != length) {
                            throw new IllegalStateException("model output " + name + " has a " + head.length + "x"
                                    + head[0].length + " map for " + length + " tokens");
                        }
                        for (int from = 0; from < length; from++) {
                            for (int to = 0; to < length; to++) {
                                sum[from][to] += head[from][to];
                            }
                        }
                        maps++;
                    }
                }
            }
            for (float[] row : sum) {
                for (int to = 0; to < length; to++) {
                    row[to] /= maps;
                }
            }
            return sum;
        } catch (OrtException e) {
            throw new IllegalStateException("attention model failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        lifecycle.close(() -> closeQuietly(session, tokenizer));
    }

    private static void closeQuietly(OrtSession session, HuggingFaceTokenizer tokenizer) {
        if (session != null) {
            try {
                session.close();
            } catch (OrtException | RuntimeException e) {
                LOG.debugf(e, "closing the attention session");
            }
        }
        if (tokenizer != null) {
            tokenizer.close();
        }
    }

    @Override
    public String toString() {
        return "attention " + model + " (layers " + selected.size() + ")";
    }
}
