package io.lightmem.testing;

import java.util.Map;

/**
 * The scripted LLM (LlmProfile) with every optional stage of the pipeline on at once, so the tests of
 * those stages share one application start: topic segmentation (a buffer of 60 tokens, so a few
 * turns are segmented), metadata generation (each extracted fact must carry category, keywords and
 * entities), and online consolidation after each add (at a score threshold of 0.73, which a
 * contradicting pair of facts about one subject reaches with the default model, BGE small v1.5 int8
 * (0.81 for "User lives in New York." and "User moved to San Francisco."), and the tests' unrelated facts
 * do not (at most 0.65), so they cause no decision call).
 */
public class LlmEveryStageProfile extends LlmProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "lightmem.topic-segment", "true",
                "lightmem.topic-segmenter.buffer-len", "60",
                "lightmem.metadata-generate", "true",
                "lightmem.update", "online",
                "lightmem.consolidation.score-threshold", "0.73");
    }
}
