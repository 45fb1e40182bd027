package io.lightmem.model.remote;

import java.util.ArrayList;
import java.util.List;

/** Cuts a list of texts into the requests the model service takes: bounded in count and in bytes. */
final class TextBatches {

    /** Text sent in one call at most, in UTF-8 bytes (at most 3 per UTF-16 char): well below gRPC's 4 MiB. */
    static final long MAX_REQUEST_TEXT_BYTES = 3L << 20;

    private TextBatches() {
    }

    /** Consecutive runs of at most batch-size texts and MAX_REQUEST_TEXT_BYTES of text. */
    static List<List<String>> of(List<String> texts, int batchSize) {
        List<List<String>> batches = new ArrayList<>();
        int from = 0;
        while (from < texts.size()) {
            int to = from;
            long bytes = 0;
            while (to < texts.size() && to - from < batchSize
                    && (to == from || bytes + 3L * texts.get(to).length() <= MAX_REQUEST_TEXT_BYTES)) {
                bytes += 3L * texts.get(to).length();
                to++;
            }
            batches.add(texts.subList(from, to));
            from = to;
        }
        return batches;
    }

}
