package io.lightmem.testing;

import java.util.Map;

/**
 * The scripted LLM (LlmProfile) with every optional stage of the pipeline on at once, so the tests of
 * those stages share one application start: topic segmentation (a buffer of 60 tokens, so a few
 * turns are segmented), metadata generation (each extracted fact must carry category, keywords and
 * entities), and online consolidation after each add (at a score threshold of 0.4, which a
 * contradicting pair of facts about one subject reaches with all-MiniLM-L6-v2 and unrelated facts do
 * not, so the tests' unrelated facts cause no decision call).
 */
public class LlmEveryStageProfile extends LlmProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "lightmem.topic-segment", "true",
                "lightmem.topic-segmenter.buffer-len", "60",
                "lightmem.metadata-generate", "true",
                "lightmem.update", "online",
                "lightmem.consolidation.score-threshold", "0.4");
    }
}
