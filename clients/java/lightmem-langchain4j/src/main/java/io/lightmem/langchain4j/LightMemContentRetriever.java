package io.lightmem.langchain4j;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.ContentMetadata;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.query.Query;
import io.lightmem.client.LightMemClient;
import io.lightmem.client.RetrieveOptions;
import io.lightmem.client.RetrievedMemory;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A user's LightMem memories as retrieved content for LangChain4j's retrieval-augmented generation: for
 * each query, the memories most relevant to its text, one formatted line each
 * ("2024-01-15T10:30:00.000 Mon User's favorite color is blue."), best first.
 *
 * <p>Whose memories: a function of the query, by default its chat memory id (the AI service method's
 * {@code @MemoryId} argument). A query without a user gets no content.
 */
public final class LightMemContentRetriever implements ContentRetriever {

    /** TextSegment metadata key of the memory's id. */
    public static final String MEMORY_ID = "lightmem_memory_id";

    private final LightMemClient client;
    private final Function<Query, String> userId;
    private final int limit;
    private final RetrieveOptions options;

    private LightMemContentRetriever(Builder builder) {
        this.client = builder.client;
        this.userId = builder.userId;
        this.limit = builder.limit;
        this.options = builder.options;
    }

    public static Builder builder(LightMemClient client) {
        return new Builder(client);
    }

    /** The chat memory id of the query, as text; null when the query has none. */
    public static String chatMemoryId(Query query) {
        if (query.metadata() == null || query.metadata().chatMemoryId() == null) {
            return null;
        }
        return query.metadata().chatMemoryId().toString();
    }

    @Override
    public List<Content> retrieve(Query query) {
        String user = userId.apply(query);
        if (user == null || user.isBlank()) {
            return List.of();
        }
        return client.retrieve(user, query.text(), limit, options).stream()
                .map(LightMemContentRetriever::content)
                .toList();
    }

    private static Content content(RetrievedMemory found) {
        TextSegment line = TextSegment.from(found.formatted(), Metadata.from(MEMORY_ID, found.memory().id()));
        return Content.from(line, Map.of(ContentMetadata.SCORE, found.score(),
                ContentMetadata.EMBEDDING_ID, found.memory().id()));
    }

    @Override
    public String toString() {
        return "LightMemContentRetriever[limit=" + limit + "]";
    }

    public static final class Builder {

        private final LightMemClient client;
        private Function<Query, String> userId = LightMemContentRetriever::chatMemoryId;
        private int limit = 5;
        private RetrieveOptions options = RetrieveOptions.defaults();

        private Builder(LightMemClient client) {
            this.client = Objects.requireNonNull(client, "client");
        }

        /** Whose memories a query reads, e.g. {@code query -> accountOf(query.metadata().chatMemoryId())}. */
        public Builder userId(Function<Query, String> resolver) {
            this.userId = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /** Memories per query, 1–100 (default 5). */
        public Builder limit(int memories) {
            if (memories < 1 || memories > 100) {
                throw new IllegalArgumentException("limit must be 1 to 100, got " + memories);
            }
            this.limit = memories;
            return this;
        }

        /** Strategy and filters of every retrieval. */
        public Builder options(RetrieveOptions retrieveOptions) {
            this.options = Objects.requireNonNull(retrieveOptions, "retrieveOptions");
            return this;
        }

        public LightMemContentRetriever build() {
            return new LightMemContentRetriever(this);
        }
    }
}
