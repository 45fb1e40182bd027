package io.lightmem.bench;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.lightmem.bench.LongMemEvalData.Session;
import io.lightmem.bench.LongMemEvalData.Turn;
import io.lightmem.model.LengthBatches;
import io.lightmem.model.OnnxEmbedder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The encoder's work when LongMemEval haystacks are ingested one AddMemory per session: token
 * positions it computes (every text padded to the longest of its run) when a request's texts run
 * in the order sent, 32 at a time, against runs of like length ({@link LengthBatches}). Counts, not
 * timings: the same on any machine. Texts are tokenized as the service does (special tokens, cut at
 * max-length 256).
 */
final class PaddingBench {

    private static final int BATCH = 32;
    private static final int MAX_LENGTH = 256;

    Map<String, Object> run(Path directory, StringBuilder md) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        md.append("### Encoder work of LongMemEval-S ingestion (token positions computed)\n\n");
        md.append("| messages-use | texts | real tokens | runs in order sent | runs by length | saved |\n|---|---|---|---|---|---|\n");
        try (InputStream in = OnnxEmbedder.class.getClassLoader().getResourceAsStream(OnnxEmbedder.BUILT_IN_TOKENIZER)) {
            HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(in, Map.of("maxLength",
                    Integer.toString(MAX_LENGTH), "truncation", "true", "padding", "false"));
            List<Path> files = LongMemEvalData.files(directory);
            for (String use : List.of("user_only", "hybrid")) {
                long texts = 0;
                long real = 0;
                long inOrder = 0;
                long byLength = 0;
                for (Path file : files) {
                    for (Session session : LongMemEvalData.read(file).sessions()) {
                        List<Turn> stored = session.turns().stream().filter(Turn::holdsText)
                                .filter(t -> use.equals("hybrid") || !t.role().equals("assistant")).toList();
                        int[] lengths = stored.stream()
                                .mapToInt(t -> tokenizer.encode(t.content()).getIds().length).toArray();
                        texts += lengths.length;
                        for (int from = 0; from < lengths.length; from += BATCH) {
                            int max = 0;
                            int to = Math.min(lengths.length, from + BATCH);
                            for (int i = from; i < to; i++) {
                                real += lengths[i];
                                max = Math.max(max, lengths[i]);
                            }
                            inOrder += (long) max * (to - from);
                        }
                        for (int[] run : LengthBatches.plan(lengths, BATCH)) {
                            int max = 0;
                            for (int i : run) {
                                max = Math.max(max, lengths[i]);
                            }
                            byLength += (long) max * run.length;
                        }
                    }
                }
                json.put(use, Map.of("texts", texts, "real_tokens", real, "padded_in_order", inOrder,
                        "padded_by_length", byLength));
                md.append(String.format("| %s | %d | %d | %d | %d | %.1f %% |%n", use, texts, real, inOrder, byLength,
                        100.0 * (inOrder - byLength) / inOrder));
            }
            tokenizer.close();
        }
        json.put("directory", directory.toString());
        return json;
    }
}
