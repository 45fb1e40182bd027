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
import java.util.UUID;

/**
 * The naive baseline: LangChain4j's PgVectorEmbeddingStore with its defaults (exact cosine search,
 * metadata in one JSON column) and LangChain4j's own all-MiniLM-L6-v2, one segment per turn.
 */
final class Lc4jBaseline {

    private final PgVectorEmbeddingStore store;
    private final AllMiniLmL6V2EmbeddingModel model = new AllMiniLmL6V2EmbeddingModel();

    /** A new, empty store in {@code table} (dropped first). */
    Lc4jBaseline(String jdbcUrl, String user, String password, String table) {
        this(jdbcUrl, user, password, table, true);
    }

    /** @param fresh drop the table first; else keep what an earlier run stored in it */
    Lc4jBaseline(String jdbcUrl, String user, String password, String table, boolean fresh) {
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        this.store = PgVectorEmbeddingStore.builder().host(uri.getHost()).port(uri.getPort())
                .database(uri.getPath().substring(1)).user(user).password(password).table(table)
                .dimension(384).createTable(true).dropTableFirst(fresh).build();
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

    /** Stores texts with vectors already computed by the same model (the scale bench copies LightMem's). */
    void addEmbedded(List<String> texts, List<float[]> vectors) {
        List<String> ids = new ArrayList<>(texts.size());
        List<Embedding> embeddings = new ArrayList<>(texts.size());
        List<TextSegment> segments = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            ids.add(UUID.randomUUID().toString());
            embeddings.add(Embedding.from(vectors.get(i)));
            segments.add(TextSegment.from(texts.get(i)));
        }
        store.addAll(ids, embeddings, segments);
    }

    List<EmbeddingMatch<TextSegment>> search(String conversation, String query, int k) {
        return store.search(EmbeddingSearchRequest.builder().queryEmbedding(model.embed(query).content())
                .maxResults(k).minScore(0.0).filter(MetadataFilterBuilder.metadataKey("conv").isEqualTo(conversation))
                .build()).matches();
    }

    /** The store's default search over everything it holds: the query embedded, then the k nearest. */
    List<EmbeddingMatch<TextSegment>> search(String query, int k) {
        return store.search(EmbeddingSearchRequest.builder().queryEmbedding(model.embed(query).content())
                .maxResults(k).build()).matches();
    }
}
