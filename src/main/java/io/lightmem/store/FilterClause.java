package io.lightmem.store;

import io.lightmem.memory.MemoryFilter;
import java.util.List;

/** The SQL conditions of a {@link MemoryFilter}, shared by every strategy's query so filters mean the same everywhere. */
final class FilterClause {

    private FilterClause() {
    }

    /** Appends " AND ..." conditions on {@code alias}'s columns and their parameters. */
    static void append(StringBuilder sql, List<Object> parameters, String alias, MemoryFilter filter) {
        if (filter.from() != null) {
            sql.append(" AND ").append(alias).append(".time_stamp >= ?");
            parameters.add(Jdbc.timestamp(filter.from()));
        }
        if (filter.to() != null) {
            sql.append(" AND ").append(alias).append(".time_stamp < ?");
            parameters.add(Jdbc.timestamp(filter.to()));
        }
        if (filter.speakerName() != null) {
            sql.append(" AND ").append(alias).append(".speaker_name = ?");
            parameters.add(filter.speakerName());
        }
        if (filter.category() != null) {
            sql.append(" AND ").append(alias).append(".category = ?");
            parameters.add(filter.category());
        }
    }
}
