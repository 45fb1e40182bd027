package io.lightmem.bench;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.filter.MetadataFilterBuilder;
import dev.langchain4j.store.embedding.pgvector.PgVectorEmbeddingStore;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * The naive baseline: LangChain4j's PgVectorEmbeddingStore with its defaults (exact cosine search,
 * metadata in one JSON column) and LangChain4j's own all-MiniLM-L6-v2, one segment per turn.
 */
final class Lc4jBaseline {

    private final PgVectorEmbeddingStore store;
    private final AllMiniLmL6V2EmbeddingModel model = new AllMiniLmL6V2EmbeddingModel();

    Lc4jBaseline(String jdbcUrl, String user, String password, String table) {
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        this.store = PgVectorEmbeddingStore.builder().host(uri.getHost()).port(uri.getPort())
                .database(uri.getPath().substring(1)).user(user).password(password).table(table)
                .dimension(384).createTable(true).dropTableFirst(true).build();
    }

    /** Stores one conversation's texts; each carries its conversation id and turn ids. */
    void add(String conversation, List<String> texts, List<String> turnIds) {
        List<TextSegment> segments = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            segments.add(TextSegment.from(texts.get(i), Metadata.from("conv", conversation).put("dia_id", turnIds.get(i))));
        }
        List<Embedding> embeddings = new ArrayList<>(segments.size());
        for (int from = 0; from < segments.size(); from += 32) {
            embeddings.addAll(model.embedAll(segments.subList(from, Math.min(segments.size(), from + 32))).content());
        }
        store.addAll(embeddings, segments);
    }

    List<EmbeddingMatch<TextSegment>> search(String conversation, String query, int k) {
        return store.search(EmbeddingSearchRequest.builder().queryEmbedding(model.embed(query).content())
                .maxResults(k).minScore(0.0).filter(MetadataFilterBuilder.metadataKey("conv").isEqualTo(conversation))
                .build()).matches();
    }
}
