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

    /** A BERT-style (cased, multilingual-like) WordPiece tokenizer.json. */
    String tokenizerJson() throws IOException {
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
        int rows = vocab.size() - missingEmbeddingRows;
        TensorProto.Builder embedding = TensorProto.newBuilder().setName("embedding")
                .setDataType(TensorProto.DataType.FLOAT_VALUE).addDims(rows).addDims(1);
        vocab.values().stream().limit(rows).forEach(p -> embedding.addFloatData((float) Math.log(p / (1 - p))));
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

    private static NodeProto.Builder node(String op, List<String> inputs, String output) {
        return NodeProto.newBuilder().setOpType(op).setName(op + "_" + output).addAllInput(inputs).addOutput(output);
    }

    private static ValueInfoProto int64Input(String name) {
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.INT64_VALUE)
                        .setShape(TensorShapeProto.newBuilder().addDim(symbol("batch")).addDim(symbol("sequence")))))
                .build();
    }

    private static TensorShapeProto.Dimension.Builder symbol(String name) {
        return TensorShapeProto.Dimension.newBuilder().setDimParam(name);
    }
}
