package io.lightmem.store;

import io.agroal.api.AgroalDataSource;
import io.lightmem.StorageException;
import io.lightmem.memory.Owner;
import io.lightmem.memory.UsageTotals;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** LLM token accounting: one row per call. */
@ApplicationScoped
public class UsageRepository {

    private final AgroalDataSource dataSource;

    public UsageRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** UsageTotals per operation for one user, by operation name. */
    public List<UsageTotals> totals(Owner owner) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement("""
                        SELECT operation, count(*), sum(prompt_tokens), sum(completion_tokens), sum(total_tokens)
                        FROM llm_usage WHERE tenant_id = ? AND user_id = ? GROUP BY operation ORDER BY operation""")) {
            Jdbc.setOwner(query, 1, owner);
            List<UsageTotals> totals = new ArrayList<>();
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    totals.add(new UsageTotals(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)));
                }
            }
            return totals;
        } catch (SQLException e) {
            throw new StorageException("cannot read LLM usage", e);
        }
    }

    /** Recorded in its own transaction: tokens spent stay counted even when the call's result is discarded. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void record(Owner owner, String operation, String model, int promptTokens, int completionTokens,
            int totalTokens) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement("""
                        INSERT INTO llm_usage (tenant_id, user_id, operation, model, prompt_tokens, completion_tokens,
                                               total_tokens)
                        VALUES (?, ?, ?, ?, ?, ?, ?)""")) {
            Jdbc.setOwner(insert, 1, owner);
            insert.setString(3, operation);
            insert.setString(4, model);
            insert.setInt(5, promptTokens);
            insert.setInt(6, completionTokens);
            insert.setInt(7, totalTokens);
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new StorageException("cannot record LLM usage", e);
        }
    }
}
