package io.lightmem.extract;

import io.lightmem.memory.MessagesUse;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;

/**
 * What memories are made of, and when (docs/design.md, "Short-term buffer and extraction"); the LLM itself is {@code
 * lightmem.memory-manager.*}.
 */
@ConfigMapping(prefix = "lightmem")
public interface ExtractionConfig {

    /** Which message roles feed memory construction. */
    @WithDefault("user_only")
    MessagesUse messagesUse();

    /**
     * Token budget of the short-term buffer: buffered topic segments are extracted in one LLM call
     * when the next segment would pass it (tokens of the roles messages-use selects). Tokens, or a
     * fraction as LightMem writes it (see {@link ExtractThreshold}).
     */
    @WithDefault("512")
    @WithConverter(ExtractThreshold.ConfigConverter.class)
    ExtractThreshold extractThreshold();

    /** Ask the LLM for category, subcategory, keywords and entities of every memory. */
    @WithDefault("false")
    boolean metadataGenerate();

    /** Store the extracted fact as the memory (true) or the source message text (false). */
    @WithDefault("true")
    boolean textSummary();
}
