package io.lightmem.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lightmem.testing.onnx.AttributeProto;
import io.lightmem.testing.onnx.GraphProto;
import io.lightmem.testing.onnx.ModelProto;
import io.lightmem.testing.onnx.NodeProto;
import io.lightmem.testing.onnx.OperatorSetIdProto;
import io.lightmem.testing.onnx.TensorProto;
import io.lightmem.testing.onnx.TensorShapeProto;
import io.lightmem.testing.onnx.TypeProto;
import io.lightmem.testing.onnx.ValueInfoProto;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a tiny LLMLingua-2-shaped token classifier: a BERT-style WordPiece {@code tokenizer.json}
 * and an ONNX model that gives every token id a fixed keep probability.
 *
 * <p>The graph: {@code input_ids [batch, sequence] int64 → Gather(embedding [vocab, 1]) →
 * MatMul(classifier [1, 2] = [0, 1]) → Add(bias [2] = 0) → logits [batch, sequence, 2]}, with the
 * embedding holding logit(p) for each token, so softmax(logits)[1] is exactly the token's p.
 * {@code attention_mask} and {@code token_type_ids} are declared like Optimum's export declares
 * them (the graph does not use them).
 */
public final class TinyTokenClassifier {

    public static final String PAD = "[PAD]";
    public static final String UNK = "[UNK]";
    public static final String CLS = "[CLS]";
    public static final String SEP = "[SEP]";

    private final Map<String, Double> vocab = new LinkedHashMap<>();
    private boolean tokenTypeIds = true;
    private int classes = 2;
    private boolean malformedAtRunTime = false;
    private int missingEmbeddingRows = 0;
    private String outputName = "logits";
    private boolean sentencePiece = false;

    private TinyTokenClassifier() {
        for (String special : List.of(PAD, UNK, CLS, SEP)) {
            vocab.put(special, 0.5);
        }
    }

    public static TinyTokenClassifier builder() {
        return new TinyTokenClassifier();
    }

    /** A vocabulary entry (a word, or a "##" continuation piece) and its keep probability. */
    public TinyTokenClassifier token(String piece, double keepProbability) {
        vocab.put(piece, keepProbability);
        return this;
    }

    /** Keep probability of out-of-vocabulary words ({@code [UNK]}). */
    public TinyTokenClassifier unknown(double keepProbability) {
        vocab.put(UNK, keepProbability);
        return this;
    }

    /**
     * A SentencePiece-style tokenizer instead (Metaspace "▁" pre-tokenizer, Unigram model,
     * {@code <s> A </s>}), as XLM-R-based LLMLingua-2 models use: every entry {@code word} becomes
     * the pieces "▁word" and "word", every {@code ##piece} becomes "piece", all with the same probability.
     */
    public TinyTokenClassifier sentencePiece() {
        this.sentencePiece = true;
        return this;
    }

    /** Declare only input_ids and attention_mask (as DistilBERT / XLM-R exports do). */
    public TinyTokenClassifier withoutTokenTypeIds() {
        tokenTypeIds = false;
        return this;
    }

    /** Logits with {@code classes} columns: a model that is not a keep/drop classifier. */
    public TinyTokenClassifier classes(int classes) {
        this.classes = classes;
        return this;
    }

    /**
     * Logits of shape [batch, sequence, sequence] (scores x scores^T): the signature passes for a
     * classifier's (the last dimension is symbolic) but the output is wrong when run.
     */
    public TinyTokenClassifier malformedAtRunTime() {
        this.malformedAtRunTime = true;
        return this;
    }

    /** Leave the last {@code rows} token ids out of the embedding: running the model on them fails. */
    public TinyTokenClassifier missingEmbeddingRows(int rows) {
        this.missingEmbeddingRows = rows;
        return this;
    }

    public TinyTokenClassifier outputName(String name) {
        this.outputName = name;
        return this;
    }

    /** The files written. */
    public record Files(Path model, Path tokenizer) {
    }

    public Files write(Path dir) {
        try {
            java.nio.file.Files.createDirectories(dir);
            Path model = dir.resolve("model.onnx");
            Path tokenizer = dir.resolve("tokenizer.json");
            java.nio.file.Files.write(model, model().toByteArray());
            java.nio.file.Files.writeString(tokenizer, tokenizerJson());
            return new Files(model, tokenizer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The tokenizer's vocabulary in id order, with each piece's keep probability. */
    private List<Map.Entry<String, Double>> pieces() {
        List<Map.Entry<String, Double>> pieces = new ArrayList<>();
        List<String> specials = List.of(PAD, UNK, CLS, SEP);
        List<String> spSpecials = List.of("<pad>", "<unk>", "<s>", "</s>");
        for (Map.Entry<String, Double> entry : vocab.entrySet()) {
            String piece = entry.getKey();
            if (!sentencePiece) {
                pieces.add(entry);
            } else if (specials.contains(piece)) {
                pieces.add(Map.entry(spSpecials.get(specials.indexOf(piece)), entry.getValue()));
            } else if (piece.startsWith("##")) {
                pieces.add(Map.entry(piece.substring(2), entry.getValue()));
            } else {
                pieces.add(Map.entry("\u2581" + piece, entry.getValue()));
                pieces.add(Map.entry(piece, entry.getValue()));
            }
        }
        if (sentencePiece) {
            pieces.add(Map.entry("\u2581", 0.5));
        }
        return pieces;
    }

    String tokenizerJson() throws IOException {
        return sentencePiece ? sentencePieceJson() : wordPieceJson();
    }

    /** A SentencePiece-style (XLM-R-like) Unigram tokenizer.json. */
    private String sentencePieceJson() throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        List<Map.Entry<String, Double>> pieces = pieces();
        ArrayNode added = root.putArray("added_tokens");
        for (int id = 0; id < 4; id++) {
            added.addObject().put("id", id).put("content", pieces.get(id).getKey()).put("single_word", false)
                    .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
        }
        root.putNull("normalizer");
        root.putObject("pre_tokenizer").put("type", "Metaspace").put("replacement", "\u2581")
                .put("prepend_scheme", "always").put("split", true);
        ObjectNode post = root.putObject("post_processor").put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        single.addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 0);
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        single.addObject().putObject("SpecialToken").put("id", "</s>").put("type_id", 0);
        ArrayNode pair = post.putArray("pair");
        pair.addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        pair.addObject().putObject("SpecialToken").put("id", "</s>").put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 0);
        pair.addObject().putObject("SpecialToken").put("id", "</s>").put("type_id", 0);
        ObjectNode specialTokens = post.putObject("special_tokens");
        for (int id : new int[] {2, 3}) {
            String token = pieces.get(id).getKey();
            ObjectNode special = specialTokens.putObject(token).put("id", token);
            special.putArray("ids").add(id);
            special.putArray("tokens").add(token);
        }
        root.putObject("decoder").put("type", "Metaspace").put("replacement", "\u2581")
                .put("prepend_scheme", "always").put("split", true);
        ObjectNode model = root.putObject("model").put("type", "Unigram").put("unk_id", 1).put("byte_fallback", false);
        ArrayNode vocabulary = model.putArray("vocab");
        for (Map.Entry<String, Double> piece : pieces) {
            vocabulary.addArray().add(piece.getKey()).add(-1.0); // equal scores: the fewest pieces win
        }
        return json.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    /** A BERT-style (cased, multilingual-like) WordPiece tokenizer.json. */
    private String wordPieceJson() throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        int id = 0;
        for (String special : List.of(PAD, UNK, CLS, SEP)) {
            added.addObject().put("id", id++).put("content", special).put("single_word", false).put("lstrip", false)
                    .put("rstrip", false).put("normalized", false).put("special", true);
        }
        root.putObject("normalizer").put("type", "BertNormalizer").put("clean_text", true)
                .put("handle_chinese_chars", true).putNull("strip_accents").put("lowercase", false);
        root.putObject("pre_tokenizer").put("type", "BertPreTokenizer");
        ObjectNode post = root.putObject("post_processor").put("type", "BertProcessing");
        post.putArray("sep").add(SEP).add(idOf(SEP));
        post.putArray("cls").add(CLS).add(idOf(CLS));
        root.putObject("decoder").put("type", "WordPiece").put("prefix", "##").put("cleanup", true);
        ObjectNode model = root.putObject("model").put("type", "WordPiece").put("unk_token", UNK)
                .put("continuing_subword_prefix", "##").put("max_input_chars_per_word", 100);
        ObjectNode ids = model.putObject("vocab");
        id = 0;
        for (String piece : vocab.keySet()) {
            ids.put(piece, id++);
        }
        return json.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    private int idOf(String piece) {
        return new ArrayList<>(vocab.keySet()).indexOf(piece);
    }

    ModelProto model() {
        List<Map.Entry<String, Double>> pieces = pieces();
        int rows = pieces.size() - missingEmbeddingRows;
        TensorProto.Builder embedding = TensorProto.newBuilder().setName("embedding")
                .setDataType(TensorProto.DataType.FLOAT_VALUE).addDims(rows).addDims(1);
        pieces.stream().limit(rows).map(Map.Entry::getValue)
                .forEach(p -> embedding.addFloatData((float) Math.log(p / (1 - p))));
        TensorProto.Builder classifier = TensorProto.newBuilder().setName("classifier")
                .setDataType(TensorProto.DataType.FLOAT_VALUE).addDims(1).addDims(classes);
        TensorProto.Builder bias = TensorProto.newBuilder().setName("bias")
                .setDataType(TensorProto.DataType.FLOAT_VALUE).addDims(classes);
        for (int c = 0; c < classes; c++) {
            classifier.addFloatData(c == 1 ? 1f : 0f); // logit of "keep" = the token's score, "drop" = 0
            bias.addFloatData(0f);
        }
        GraphProto.Builder graph = GraphProto.newBuilder().setName("tiny-token-classifier")
                .addInitializer(embedding).addInitializer(classifier).addInitializer(bias)
                .addNode(node("Gather", List.of("embedding", "input_ids"), "scores")
                        .addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT)
                                .setI(0)))
                .addInput(int64Input("input_ids"))
                .addInput(int64Input("attention_mask"));
        if (tokenTypeIds) {
            graph.addInput(int64Input("token_type_ids"));
        }
        TensorShapeProto.Builder logitsShape = TensorShapeProto.newBuilder().addDim(symbol("batch"))
                .addDim(symbol("sequence"));
        if (malformedAtRunTime) {
            graph.addNode(node("Transpose", List.of("scores"), "scores_t").addAttribute(AttributeProto.newBuilder()
                    .setName("perm").setType(AttributeProto.AttributeType.INTS).addInts(0).addInts(2).addInts(1)))
                    .addNode(node("MatMul", List.of("scores", "scores_t"), outputName));
            logitsShape.addDim(symbol("sequence"));
        } else {
            graph.addNode(node("MatMul", List.of("scores", "classifier"), "class_scores"))
                    .addNode(node("Add", List.of("class_scores", "bias"), outputName));
            logitsShape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(classes));
        }
        graph.addOutput(ValueInfoProto.newBuilder().setName(outputName).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE)
                        .setShape(logitsShape))));
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("lightmem-tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .setGraph(graph).build();
    }

    /** Graph-building helpers shared with {@link TinyAttentionEncoder}. */
    static NodeProto.Builder node(String op, List<String> inputs, String output) {
        return NodeProto.newBuilder().setOpType(op).setName(op + "_" + output).addAllInput(inputs).addOutput(output);
    }

    static ValueInfoProto int64Input(String name) {
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.INT64_VALUE)
                        .setShape(TensorShapeProto.newBuilder().addDim(symbol("batch")).addDim(symbol("sequence")))))
                .build();
    }

    static TensorShapeProto.Dimension.Builder symbol(String name) {
        return TensorShapeProto.Dimension.newBuilder().setDimParam(name);
    }
}
