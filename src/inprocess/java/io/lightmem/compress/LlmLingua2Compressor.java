package io.lightmem.compress;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.lightmem.model.NativeModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * LLMLingua-2 prompt compression (Pan et al. 2024) on ONNX Runtime: a BERT-style token classifier
 * gives every token the probability of being kept; the probabilities of a word's tokens are
 * averaged; the top {@code rate} fraction of the words is kept, in their original order.
 *
 * <p>Precisely:
 * <ul>
 * <li><b>Words</b> are the whitespace-separated units of the original text. Tokens are mapped to
 * words through the tokenizer's character offsets (not token strings), so WordPiece ("##") and
 * SentencePiece ("▁") tokenizers work alike. A word's keep probability is the mean of
 * softmax(logits)[1] over the tokens overlapping it.</li>
 * <li><b>Force tokens</b> are always kept. A whitespace force token (a newline) is kept in the gaps
 * between the kept words. Any other force token is kept where it ends a word ("March," keeps its
 * comma even when "March" is dropped; the comma is then glued to the preceding output) or where
 * it forms a whole word. Those parts are not ranked and their tokens are not in the word's mean.</li>
 * <li><b>Selection</b>: of the n ranked words, ceil(rate × n) are kept (at least one): rate 1.0
 * keeps every word, a small rate still keeps one. Equal probabilities: the earlier word wins.
 * The output joins the kept words with one space (a newline where one was, if newline is forced).</li>
 * <li><b>Windows</b>: a text longer than the model window ({@code maxWindowTokens}, special tokens
 * included) is cut into chunks at word boundaries, each chunk as full as the window allows; each
 * chunk is classified separately and the ranking runs over the words of the whole text. A single
 * word longer than a window is truncated to it (its mean uses the tokens that fit).</li>
 * <li>Texts without words are returned as they are. A text whose compression fails is returned
 * unchanged with {@link Compression#failed()} set; the failure is logged and counted.</li>
 * </ul>
 *
 * <p>The model: inputs {@code input_ids}, and {@code attention_mask} / {@code token_type_ids} when
 * it declares them (only declared inputs are fed); output {@code logits} of shape [batch, seq, 2],
 * as Hugging Face Optimum exports a token-classification model. Thread-safe.
 */
public final class LlmLingua2Compressor implements Compressor, AutoCloseable {

    /** The output Hugging Face Optimum gives a token-classification model. */
    public static final String LOGITS = "logits";

    private static final Logger LOG = Logger.getLogger(LlmLingua2Compressor.class);
    private static final Set<String> KNOWN_INPUTS = Set.of("input_ids", "attention_mask", "token_type_ids");

    /** Compression settings ({@code lightmem.pre-compressor.*}). */
    public record Settings(double rate, List<String> forceTokens, int maxWindowTokens, int batchSize) {
        public Settings {
            Compressor.checkRate(rate);
            forceTokens = List.copyOf(forceTokens);
            if (forceTokens.stream().anyMatch(String::isEmpty)) {
                throw new IllegalArgumentException("force tokens must not be empty strings");
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
            }
        }
    }

    private final String model;
    private final Settings settings;
    private final OrtSession session;
    /** Whole texts, no special tokens, no truncation: token counts per word, for chunking. */
    private final HuggingFaceTokenizer wholeTokenizer;
    /** Chunks as the model sees them: special tokens, truncated to the window. */
    private final HuggingFaceTokenizer windowTokenizer;
    private final boolean feedsAttentionMask;
    private final boolean feedsTokenTypeIds;
    /** Content tokens per window (the window minus the special tokens the tokenizer adds). */
    private final int contentBudget;
    /** Non-whitespace force tokens, longest first. */
    private final List<String> wordForceTokens;
    /** Characters of the whitespace force tokens, kept in the gaps between words. */
    private final String gapForceChars;
    private final AtomicLong failures = new AtomicLong();
    private final NativeModel lifecycle = new NativeModel("compressor");

    public LlmLingua2Compressor(Path modelFile, Path tokenizerFile, OrtSession.SessionOptions options, Settings settings) {
        this.model = modelFile.toString();
        this.settings = settings;
        // These options override truncation and padding saved in tokenizer.json (checked with DJL 0.31.1).
        Map<String, String> whole = Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false");
        Map<String, String> window = Map.of("addSpecialTokens", "true", "truncation", "true", "padding", "false",
                "maxLength", Integer.toString(settings.maxWindowTokens()));
        HuggingFaceTokenizer wholeTok = null;
        HuggingFaceTokenizer windowTok = null;
        OrtSession ort = null;
        try {
            if (!Files.isRegularFile(tokenizerFile)) {
                throw new IllegalStateException("compressor tokenizer " + tokenizerFile + " is not a readable file");
            }
            if (!Files.isRegularFile(modelFile)) {
                throw new IllegalStateException("compressor model " + modelFile + " is not a readable file");
            }
            wholeTok = HuggingFaceTokenizer.newInstance(tokenizerFile, whole);
            windowTok = HuggingFaceTokenizer.newInstance(tokenizerFile, window);
            ort = OrtEnvironment.getEnvironment().createSession(modelFile.toString(), options);
            Set<String> inputs = ort.getInputNames();
            if (!inputs.contains("input_ids") || !KNOWN_INPUTS.containsAll(inputs)) {
                throw new IllegalStateException("compressor model " + modelFile
                        + " must take input_ids and optionally attention_mask and token_type_ids, but takes " + inputs);
            }
            checkLogits(ort, modelFile);
            this.feedsAttentionMask = inputs.contains("attention_mask");
            this.feedsTokenTypeIds = inputs.contains("token_type_ids");
            int specials = windowTok.encode("").getIds().length;
            this.contentBudget = settings.maxWindowTokens() - specials;
            if (contentBudget < 1) {
                throw new IllegalStateException("a window of " + settings.maxWindowTokens()
                        + " tokens leaves no room for text next to the tokenizer's " + specials + " special tokens");
            }
        } catch (IOException e) {
            closeQuietly(ort, wholeTok, windowTok);
            throw new UncheckedIOException("cannot read compressor tokenizer " + tokenizerFile, e);
        } catch (OrtException e) {
            closeQuietly(ort, wholeTok, windowTok);
            throw new IllegalStateException("ONNX Runtime cannot load compressor model " + modelFile + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(ort, wholeTok, windowTok);
            throw e;
        }
        this.session = ort;
        this.wholeTokenizer = wholeTok;
        this.windowTokenizer = windowTok;
        List<String> wordTokens = new ArrayList<>();
        StringBuilder gapChars = new StringBuilder();
        for (String token : new LinkedHashSet<>(settings.forceTokens())) {
            if (token.isBlank()) {
                gapChars.append(token);
            } else {
                wordTokens.add(token);
            }
        }
        wordTokens.sort(Comparator.comparingInt(String::length).reversed());
        this.wordForceTokens = List.copyOf(wordTokens);
        this.gapForceChars = gapChars.toString();
    }

    private static void checkLogits(OrtSession session, Path modelFile) throws OrtException {
        NodeInfo logits = session.getOutputInfo().get(LOGITS);
        if (logits == null) {
            throw new IllegalStateException("compressor model " + modelFile + " has no output named " + LOGITS
                    + " (outputs: " + session.getOutputNames() + "); export it with optimum-cli --task token-classification");
        }
        if (logits.getInfo() instanceof TensorInfo info) {
            long[] shape = info.getShape();
            if (shape.length != 3 || shape[2] > 0 && shape[2] != 2) {
                throw new IllegalStateException("compressor model " + modelFile + " gives logits of shape "
                        + Arrays.toString(shape) + "; a keep/drop token classifier gives [batch, seq, 2]");
            }
        }
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public double defaultRate() {
        return settings.rate();
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public long failures() {
        return failures.get();
    }

    @Override
    public List<Compression> compress(List<String> texts, double rate) {
        Compressor.checkRate(rate);
        for (String text : texts) {
            Objects.requireNonNull(text, "text");
        }
        try {
            return compressAll(texts, rate);
        } catch (RuntimeException e) {
            if (texts.size() == 1) {
                return List.of(failed(texts.get(0), e));
            }
            // Find the texts that fail; the others are still compressed.
            List<Compression> results = new ArrayList<>(texts.size());
            for (String text : texts) {
                try {
                    results.add(compressAll(List.of(text), rate).get(0));
                } catch (RuntimeException single) {
                    results.add(failed(text, single));
                }
            }
            return results;
        }
    }

    private Compression failed(String text, RuntimeException e) {
        long count = failures.incrementAndGet();
        // The message text is user data: its length is logged, not its content.
        LOG.warnf(e, "pre-compression failed for a text of %d characters, which is kept uncompressed (%d failures so far): %s",
                text.length(), count, e.getMessage());
        return Compression.failedOn(text);
    }

    private List<Compression> compressAll(List<String> texts, double rate) {
        return lifecycle.use(() -> compressOpen(texts, rate));
    }

    private List<Compression> compressOpen(List<String> texts, double rate) {
        WordedText[] docs = new WordedText[texts.size()];
        List<Chunk> chunks = new ArrayList<>();
        for (int i = 0; i < docs.length; i++) {
            docs[i] = new WordedText(texts.get(i), wordForceTokens, gapForceChars);
            if (docs[i].ranked > 0) {
                plan(docs[i], chunks);
            }
        }
        List<Window> windows = encode(chunks);
        for (int from = 0; from < windows.size(); from += settings.batchSize()) {
            classify(windows.subList(from, Math.min(windows.size(), from + settings.batchSize())));
        }
        List<Compression> results = new ArrayList<>(docs.length);
        for (WordedText doc : docs) {
            results.add(doc.words == 0 ? Compression.unchanged(doc.text) : doc.compress(rate));
        }
        return results;
    }

    /** Cuts a text into runs of whole words whose tokens fit the window. */
    private void plan(WordedText doc, List<Chunk> chunks) {
        Encoding encoding = wholeTokenizer.encode(doc.text, false, false);
        int[] tokensPerWord = new int[doc.words];
        forEachToken(doc, encoding, 0, (word, token, from, to) -> tokensPerWord[word]++);
        int from = 0;
        int tokens = 0;
        for (int w = 0; w < doc.words; w++) {
            if (w > from && tokens + tokensPerWord[w] > contentBudget) {
                chunks.add(new Chunk(doc, from, w));
                from = w;
                tokens = 0;
            }
            tokens += tokensPerWord[w];
        }
        chunks.add(new Chunk(doc, from, doc.words));
    }

    /**
     * Encodes chunks for the model. Chunking counted the tokens of the whole text; should a chunk
     * tokenize longer on its own (it cannot with whitespace pre-tokenizers), it is halved until it
     * fits, so only a single word longer than a window is ever truncated.
     */
    private List<Window> encode(List<Chunk> chunks) {
        List<Window> windows = new ArrayList<>(chunks.size());
        Deque<Chunk> pending = new ArrayDeque<>(chunks);
        while (!pending.isEmpty()) {
            Chunk chunk = pending.pollFirst();
            Encoding encoding = windowTokenizer.encode(chunk.text(), true, false);
            if (encoding.exceedMaxLength() && chunk.to - chunk.from > 1) {
                int middle = (chunk.from + chunk.to) >>> 1;
                pending.addFirst(new Chunk(chunk.doc, middle, chunk.to));
                pending.addFirst(new Chunk(chunk.doc, chunk.from, middle));
                continue;
            }
            windows.add(new Window(chunk, encoding));
        }
        return windows;
    }

    /** Runs the model on a batch of windows and adds each token's keep probability to its word. */
    private void classify(List<Window> batch) {
        int width = 0;
        for (Window window : batch) {
            width = Math.max(width, window.encoding.getIds().length);
        }
        long[][] ids = new long[batch.size()][width];
        long[][] mask = new long[batch.size()][width];
        long[][] types = new long[batch.size()][width];
        for (int i = 0; i < batch.size(); i++) {
            Encoding encoding = batch.get(i).encoding;
            int length = encoding.getIds().length;
            System.arraycopy(encoding.getIds(), 0, ids[i], 0, length);
            System.arraycopy(encoding.getAttentionMask(), 0, mask[i], 0, length);
            System.arraycopy(encoding.getTypeIds(), 0, types[i], 0, length);
        }
        float[][][] logits = run(ids, mask, types);
        for (int i = 0; i < batch.size(); i++) {
            Window window = batch.get(i);
            float[][] rows = logits[i];
            WordedText doc = window.chunk.doc;
            forEachToken(doc, window.encoding, window.chunk.charStart(), (word, token, from, to) -> {
                // Tokens of a word's forced ending (its final punctuation) are not part of its mean.
                if (from < doc.coreEnd[word]) {
                    // softmax over two classes, class 1 = keep
                    doc.sum[word] += 1.0 / (1.0 + Math.exp(rows[token][0] - rows[token][1]));
                    doc.count[word]++;
                }
            });
        }
    }

    private float[][][] run(long[][] ids, long[][] mask, long[][] types) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor idsTensor = OnnxTensor.createTensor(env, ids);
                OnnxTensor maskTensor = OnnxTensor.createTensor(env, mask);
                OnnxTensor typesTensor = OnnxTensor.createTensor(env, types)) {
            Map<String, OnnxTensor> feed = new HashMap<>();
            feed.put("input_ids", idsTensor);
            if (feedsAttentionMask) {
                feed.put("attention_mask", maskTensor);
            }
            if (feedsTokenTypeIds) {
                feed.put("token_type_ids", typesTensor);
            }
            try (OrtSession.Result result = session.run(feed, Set.of(LOGITS))) {
                OnnxValue value = result.get(LOGITS).orElseThrow();
                if (!(value.getValue() instanceof float[][][] logits) || logits.length != ids.length) {
                    throw new IllegalStateException("model output " + LOGITS + " is " + describe(value)
                            + ", expected float [" + ids.length + ", " + ids[0].length + ", 2]");
                }
                for (float[][] row : logits) {
                    if (row.length != ids[0].length || Arrays.stream(row).anyMatch(token -> token.length != 2)) {
                        throw new IllegalStateException("model output " + LOGITS + " is " + describe(value)
                                + ", expected float [" + ids.length + ", " + ids[0].length + ", 2]");
                    }
                }
                return logits;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("compressor model failed: " + e.getMessage(), e);
        }
    }

    private static String describe(OnnxValue value) {
        return value.getInfo() instanceof TensorInfo info ? info.type + " " + Arrays.toString(info.getShape())
                : value.getInfo().toString();
    }

    private interface TokenVisitor {
        /** Token {@code token} covers characters [from, to) of the text, which overlap word {@code word}. */
        void visit(int word, int token, int from, int to);
    }

    /**
     * Calls the visitor for every (word, token) pair where the token's characters overlap the word.
     * Special tokens and tokens without characters are skipped. The tokenizer's offsets count
     * Unicode code points from the start of the encoded string, which starts at {@code offset}.
     */
    private static void forEachToken(WordedText doc, Encoding encoding, int offset, TokenVisitor visitor) {
        CharSpan[] spans = encoding.getCharTokenSpans();
        long[] special = encoding.getSpecialTokenMask();
        int codePointBase = doc.codePoint(offset);
        for (int t = 0; t < spans.length; t++) {
            CharSpan span = spans[t];
            if (special[t] != 0 || span == null || span.getEnd() <= span.getStart()) {
                continue;
            }
            int start = doc.charIndex(codePointBase + span.getStart());
            int end = doc.charIndex(codePointBase + span.getEnd());
            for (int w = doc.wordAt(start); w < doc.words && doc.start[w] < end; w++) {
                if (doc.end[w] > start) {
                    visitor.visit(w, t, start, end);
                }
            }
        }
    }

    /** Consecutive words {@code [from, to)} of a text, classified in one window. */
    private record Chunk(WordedText doc, int from, int to) {
        int charStart() {
            return doc.start[from];
        }

        String text() {
            return doc.text.substring(doc.start[from], doc.end[to - 1]);
        }
    }

    private record Window(Chunk chunk, Encoding encoding) {
    }

    @Override
    public void close() {
        lifecycle.close(() -> closeQuietly(session, wholeTokenizer, windowTokenizer));
    }

    private static void closeQuietly(OrtSession session, HuggingFaceTokenizer... tokenizers) {
        if (session != null) {
            try {
                session.close();
            } catch (OrtException | RuntimeException e) {
                LOG.debugf(e, "closing the compressor session");
            }
        }
        for (HuggingFaceTokenizer tokenizer : tokenizers) {
            if (tokenizer != null) {
                tokenizer.close();
            }
        }
    }

    @Override
    public String toString() {
        return "LLMLingua-2 " + model + " (rate " + settings.rate() + ", window " + settings.maxWindowTokens() + ")";
    }
}
