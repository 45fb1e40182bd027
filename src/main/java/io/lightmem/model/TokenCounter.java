package io.lightmem.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Counts tokens the way the buffers budget them (docs/design.md, "Topic segmentation" and "Short-term buffer and
 * extraction").
 */
public interface TokenCounter {

    int countTokens(String text);

    /** The tokens of each text, in order; one round trip where the counter is remote. */
    default List<Integer> countTokens(List<String> texts) {
        List<Integer> counts = new ArrayList<>(texts.size());
        for (String text : texts) {
            counts.add(countTokens(text));
        }
        return counts;
    }
}
