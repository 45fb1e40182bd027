package io.lightmem.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lightmem.memory.Owner;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/** Small conversions shared by the repositories. */
final class Jdbc {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    private Jdbc() {
    }

    static String jsonArray(List<String> values) {
        try {
            return JSON.writeValueAsString(values == null ? List.of() : values);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static List<String> strings(String jsonArray) {
        try {
            return jsonArray == null ? List.of() : JSON.readValue(jsonArray, STRINGS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("malformed jsonb array in database: " + jsonArray, e);
        }
    }

    /** Sets the owner's tenant and user id as the parameters at {@code index} and the next; returns the one after. */
    static int setOwner(PreparedStatement statement, int index, Owner owner) throws SQLException {
        statement.setString(index, owner.tenantId());
        statement.setString(index + 1, owner.userId());
        return index + 2;
    }

    static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    /** A time_stamp column with its utc_offset column (seconds east of UTC): the time as its caller gave it. */
    static OffsetDateTime offsetTime(Timestamp timestamp, int utcOffsetSeconds) {
        return timestamp.toInstant().atOffset(ZoneOffset.ofTotalSeconds(utcOffsetSeconds));
    }

    static int utcOffsetSeconds(OffsetDateTime time) {
        return time.getOffset().getTotalSeconds();
    }

    static double epochSeconds(OffsetDateTime time) {
        return epochSeconds(time.toInstant());
    }

    static Timestamp timestamp(OffsetDateTime time) {
        return Timestamp.from(time.toInstant());
    }

    static double epochSeconds(Instant instant) {
        return instant.getEpochSecond() + instant.getNano() / 1e9;
    }
}
