package io.lightmem.store;

import io.agroal.api.AgroalDataSource;
import io.lightmem.StorageException;
import io.lightmem.memory.MemoryFilter;
import io.lightmem.memory.Owner;
import io.lightmem.memory.ScoredMemory;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Lexical search: Okapi BM25 over the memory text, computed inside PostgreSQL (V3__lexical_search.sql,
 * V6__lexeme_statistics.sql).
 *
 * <pre>
 * score(D, Q) = sum over distinct query lexemes t present in D of
 *               idf(t) * tf(t, D) * (k1 + 1) / (tf(t, D) + k1 * (1 - b + b * |D| / avgdl))
 * idf(t)      = ln(1 + (N - df(t) + 0.5) / (df(t) + 0.5))          (Lucene's non-negative idf)
 * </pre>
 * Lexemes come from {@code to_tsvector('english', ...)} (Snowball-stemmed, stop words dropped) for
 * both the memory and the query. tf(t, D) = occurrences of t in D (its positions in memory_tsv);
 * |D| = distinct lexemes of D (length(memory_tsv), read without unnesting); N and avgdl = documents
 * and mean |D| of the user, from memory_lexical_stats; df(t) = the user's documents containing t,
 * from memory_lexeme (both kept by triggers). Statistics are per user (the tenant scope), before
 * filters, so filters only remove rows and never change the scores of the others. A document is the
 * speaker's name and the memory text (V10__speaker_in_lexical_index.sql).
 *
 * <p>Which memories are scored (the candidate set) is bounded by {@code maxCandidates} = M: the
 * query's lexemes are taken rarest first while the sum of their df stays within M (the rarest always),
 * and the candidates are the memories holding a taken lexeme (and passing the filters); if there are
 * more than M of them (the rarest lexeme alone is in more than M memories), the M most recent. Every candidate is scored with all query lexemes. So the result is
 * exact BM25 whenever the query's lexemes occur in at most M memories in all; beyond that, memories
 * holding only the query's most common lexemes (a speaker's name, "user") are not considered, which
 * bounds the work by M rather than by the size of the scope. A score adds its terms in lexeme order:
 * floating-point sums depend on their order, and the rows' order follows the plan and the rows' places on
 * disk, so two memories that tie would otherwise come apart by 1e-16 in either direction after a re-import,
 * and the ranks hybrid fuses with them.
 */
@ApplicationScoped
public class LexicalRepository {

    private final AgroalDataSource dataSource;

    public LexicalRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * The {@code limit} best BM25 matches of one user, best first, among at most {@code maxCandidates}
     * scored memories; entries sharing no lexeme with the query are never returned.
     */
    public List<ScoredMemory> bm25(Owner owner, String query, int limit, MemoryFilter filter, double k1, double b,
            int maxCandidates) {
        SqlQuery search = bm25Query(owner, query, limit, filter, k1, b, maxCandidates);
        try (Connection connection = dataSource.getConnection()) {
            List<ScoredMemory> found = new ArrayList<>();
            try (PreparedStatement statement = search.prepare(connection, "");
                    ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    found.add(new ScoredMemory(MemoryRepository.entry(rs), rs.getDouble("score")));
                }
            }
            return found;
        } catch (SQLException e) {
            throw new StorageException("cannot search memories", e);
        }
    }

    /**
     * The BM25 query. The df of each query lexeme is read from memory_lexeme (primary-key lookups);
     * the lexemes chosen as seeds form the tsquery of the candidate scan, which reads the narrow
     * memory_lexical_document rows (V14__lexical_documents.sql) through their GIN index over owner and
     * lexemes (V16), not the wide memory rows; filters apply to that scan (the statistics come from the tables, so they
     * stay the whole scope's); only candidates are unnested, and only the top {@code limit} rows are
     * joined back for their columns. Planned for its user at every execution ({@link SqlQuery#customPlanned}):
     * a generic plan, made for a scope of average size, took the 100k scope twice the time.
     */
    public static SqlQuery bm25Query(Owner owner, String query, int limit, MemoryFilter filter, double k1, double b,
            int maxCandidates) {
        List<Object> parameters = new ArrayList<>();
        parameters.add(query);
        parameters.add(owner.tenantId());
        parameters.add(owner.userId());
        parameters.add(owner.tenantId());
        parameters.add(owner.userId());
        parameters.add(maxCandidates);
        parameters.add(owner.tenantId());
        parameters.add(owner.userId());
        StringBuilder filters = new StringBuilder();
        FilterClause.append(filters, parameters, "c", filter);
        parameters.add(maxCandidates);
        parameters.add(k1);
        parameters.add(k1);
        parameters.add(b);
        parameters.add(b);
        parameters.add(limit);
        // Each seed goes into the tsquery quoted, with quotes doubled and backslashes escaped, so it is
        // taken as the lexeme it is and never parsed or stemmed again.
        String sql = """
                WITH terms AS (
                    SELECT DISTINCT lexeme AS term FROM unnest(to_tsvector('english', ?))
                ), stats AS (
                    SELECT documents::float8 AS n, greatest(lexemes::float8 / greatest(documents, 1), 1) AS avgdl
                      FROM memory_lexical_stats WHERE tenant_id = ? AND user_id = ?
                ), known AS (
                    SELECT t.term, l.df::float8 AS df
                      FROM terms t JOIN memory_lexeme l ON l.tenant_id = ? AND l.user_id = ? AND l.lexeme = t.term
                ), seeds AS (
                    SELECT term FROM (
                        SELECT term, sum(df) OVER (ORDER BY df, term) AS postings,
                               row_number() OVER (ORDER BY df, term) AS rarity
                          FROM known) k
                     WHERE k.postings <= ? OR k.rarity = 1
                ), candidates AS (
                    SELECT c.id, c.memory_tsv, length(c.memory_tsv)::float8 AS dl
                      FROM memory_lexical_document c
                     WHERE c.tenant_id = ? AND c.user_id = ?%s
                       AND c.memory_tsv @@ (SELECT string_agg('''' || replace(replace(term, '\\', '\\\\'), '''', '''''')
                                                              || '''', ' | ')::tsquery FROM seeds)
                     ORDER BY c.time_stamp DESC, c.id
                     LIMIT ?
                ), matches AS (
                    SELECT c.id, c.dl, k.term, k.df, coalesce(cardinality(u.positions), 1)::float8 AS tf
                      FROM candidates c CROSS JOIN LATERAL unnest(c.memory_tsv) u
                      JOIN known k ON k.term = u.lexeme
                ), top AS (
                    SELECT mt.id,
                           sum(ln(1 + (s.n - mt.df + 0.5) / (mt.df + 0.5))
                               * mt.tf * (?::float8 + 1)
                               / (mt.tf + ?::float8 * (1 - ?::float8 + ?::float8 * mt.dl / s.avgdl))
                               ORDER BY mt.term) AS score
                      FROM matches mt CROSS JOIN stats s
                     GROUP BY mt.id
                     ORDER BY score DESC, mt.id
                     LIMIT ?
                )
                SELECT %s, top.score FROM top JOIN memory_entry m ON m.id = top.id ORDER BY top.score DESC, m.id
                """.formatted(filters, MemoryRepository.M_COLUMNS);
        return SqlQuery.customPlanned(sql, parameters);
    }
}
