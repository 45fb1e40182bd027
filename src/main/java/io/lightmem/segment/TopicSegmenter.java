package io.lightmem.segment;

import java.util.List;

/** Finds where topics change in a full sensory buffer (docs/design.md, "Topic segmentation"). */
public interface TopicSegmenter {

    /** One turn: the user's text and the assistant's reply ("" when there is none). */
    record Turn(String userText, String assistantText) {
    }

    /** Turn indices at which a new topic starts, ascending, never 0. */
    List<Integer> boundaries(List<Turn> turns);
}
