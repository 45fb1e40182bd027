package io.lightmem.testing;

import io.lightmem.testing.onnx.AttributeProto;
import io.lightmem.testing.onnx.GraphProto;
import io.lightmem.testing.onnx.ModelProto;
import io.lightmem.testing.onnx.OperatorSetIdProto;
import io.lightmem.testing.onnx.TensorProto;
import io.lightmem.testing.onnx.TensorShapeProto;
import io.lightmem.testing.onnx.TypeProto;
import io.lightmem.testing.onnx.ValueInfoProto;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a tiny encoder that exports attentions, with the WordPiece tokenizer.json of
 * {@link TinyTokenClassifier}.
 *
 * <p>Every word belongs to one topic; each topic is one axis of the embedding, scaled so that
 * the dot product of two words of the same topic is {@link #SAME_TOPIC_SCORE} and of different
 * topics 0 (special and unknown tokens embed to 0). The graph: {@code input_ids → Gather →
 * E [b, s, d]; A = Softmax(E·Eᵀ) [b, s, s] → Unsqueeze → [b, 1, s, s]}, exposed as
 * {@code attentions.0 … attentions.L-1} (the same map for every layer), plus a zero
 * {@code logits} [b, s, 2] so it also passes for an LLMLingua-2 classifier. A token thus attends
 * almost only (all but e^-20) and evenly to the tokens of its own topic.
 */
public final class TinyAttentionEncoder {

    public static final double SAME_TOPIC_SCORE = 20.0;

    /** word → topic; in the tokenizer's id order after the 4 special tokens. */
    private final Map<String, Integer> topicOfWord = new LinkedHashMap<>();
    private int topics = 0;
    private int layers = 12;

    private TinyAttentionEncoder() {
    }

    public static TinyAttentionEncoder builder() {
        return new TinyAttentionEncoder();
    }

    /** A new topic holding every whitespace-separated word of these texts (words seen before keep their topic). */
    public TinyAttentionEncoder topic(String... texts) {
        for (String text : texts) {
            for (String word : text.strip().split("\\s+")) {
                if (!word.isEmpty()) {
                    topicOfWord.putIfAbsent(word, topics);
                }
            }
        }
        topics++;
        return this;
    }

    /** How many attention outputs (layers) the model gives. */
    public TinyAttentionEncoder layers(int layers) {
        this.layers = layers;
        return this;
    }

    public TinyTokenClassifier.Files write(Path dir) {
        TinyTokenClassifier tokenizer = TinyTokenClassifier.builder();
        topicOfWord.keySet().forEach(word -> tokenizer.token(word, 0.5));
        try {
            java.nio.file.Files.createDirectories(dir);
            Path model = dir.resolve("model.onnx");
            Path tokenizerFile = dir.resolve("tokenizer.json");
            java.nio.file.Files.write(model, model().toByteArray());
            java.nio.file.Files.writeString(tokenizerFile, tokenizer.tokenizerJson());
            return new TinyTokenClassifier.Files(model, tokenizerFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ModelProto model() {
        int dims = Math.max(1, topics);
        float magnitude = (float) Math.sqrt(SAME_TOPIC_SCORE);
        TensorProto.Builder embedding = TensorProto.newBuilder().setName("embedding")
                .setDataType(TensorProto.DataType.FLOAT_VALUE).addDims(4 + topicOfWord.size()).addDims(dims);
        for (int special = 0; special < 4; special++) { // [PAD] [UNK] [CLS] [SEP]
            for (int d = 0; d < dims; d++) {
                embedding.addFloatData(0f);
            }
        }
        for (int topic : topicOfWord.values()) {
            for (int d = 0; d < dims; d++) {
                embedding.addFloatData(d == topic ? magnitude : 0f);
            }
        }
        TensorProto.Builder classifier = TensorProto.newBuilder().setName("classifier")
                .setDataType(TensorProto.DataType.FLOAT_VALUE).addDims(dims).addDims(2);
        for (int i = 0; i < dims * 2; i++) {
            classifier.addFloatData(0f);
        }
        TensorProto.Builder axes = TensorProto.newBuilder().setName("head_axis")
                .setDataType(TensorProto.DataType.INT64_VALUE).addDims(1).addInt64Data(1);
        GraphProto.Builder graph = GraphProto.newBuilder().setName("tiny-attention-encoder")
                .addInitializer(embedding).addInitializer(classifier).addInitializer(axes)
                .addNode(TinyTokenClassifier.node("Gather", List.of("embedding", "input_ids"), "hidden")
                        .addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT)
                                .setI(0)))
                .addNode(TinyTokenClassifier.node("Transpose", List.of("hidden"), "hidden_t").addAttribute(AttributeProto.newBuilder()
                        .setName("perm").setType(AttributeProto.AttributeType.INTS).addInts(0).addInts(2).addInts(1)))
                .addNode(TinyTokenClassifier.node("MatMul", List.of("hidden", "hidden_t"), "scores"))
                .addNode(TinyTokenClassifier.node("Softmax", List.of("scores"), "probabilities").addAttribute(AttributeProto.newBuilder()
                        .setName("axis").setType(AttributeProto.AttributeType.INT).setI(-1)))
                .addNode(TinyTokenClassifier.node("Unsqueeze", List.of("probabilities", "head_axis"), "attention"))
                .addNode(TinyTokenClassifier.node("MatMul", List.of("hidden", "classifier"), "logits"))
                .addInput(TinyTokenClassifier.int64Input("input_ids"))
                .addInput(TinyTokenClassifier.int64Input("attention_mask"))
                .addInput(TinyTokenClassifier.int64Input("token_type_ids"))
                .addOutput(floatOutput("logits", TinyTokenClassifier.symbol("batch"), TinyTokenClassifier.symbol("sequence"),
                        TensorShapeProto.Dimension.newBuilder().setDimValue(2)));
        for (int layer = 0; layer < layers; layer++) {
            String name = "attentions." + layer;
            graph.addNode(TinyTokenClassifier.node("Identity", List.of("attention"), name))
                    .addOutput(floatOutput(name, TinyTokenClassifier.symbol("batch"), TensorShapeProto.Dimension.newBuilder().setDimValue(1),
                            TinyTokenClassifier.symbol("sequence"), TinyTokenClassifier.symbol("sequence")));
        }
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("lightmem-tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .setGraph(graph).build();
    }


    private static ValueInfoProto floatOutput(String name, TensorShapeProto.Dimension.Builder... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (TensorShapeProto.Dimension.Builder dim : dims) {
            shape.addDim(dim);
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape)))
                .build();
    }



    @Override
    public String toString() {
        return "TinyAttentionEncoder(" + topics + " topics, " + new ArrayList<>(topicOfWord.keySet()) + ")";
    }
}
