package io.lightmem.api.mcp;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.lightmem.InvalidArgumentException;
import io.lightmem.memory.InputText;
import io.lightmem.memory.MemoryFilter;
import io.lightmem.memory.SessionTimes;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code filters} argument of retrieve_memory: the restrictions the gRPC RetrieveFilter offers.
 * A class rather than a record so that unknown keys can be collected and refused: a misspelt filter
 * silently ignored would return memories the agent believes were excluded.
 */
@JsonClassDescription("Restrictions of the search; every field is optional, an absent field does not restrict.")
public class RetrieveFilters {

    @JsonProperty("time_from")
    @JsonPropertyDescription("Only memories at or after this time: ISO-8601 (2024-01-15T10:30:00, zone optional,"
            + " the instance's default time zone without one; a date alone, 2024-01-15, is the start of that day)"
            + " or the session form 2023/05/20 (Sat) 00:44.")
    private String timeFrom;

    @JsonProperty("time_to")
    @JsonPropertyDescription("Only memories strictly before this time, same formats as time_from.")
    private String timeTo;

    @JsonProperty("speaker_name")
    @JsonPropertyDescription("Only memories of this speaker, exact name: User, Assistant, or the name given when"
            + " the memory was added.")
    private String speakerName;

    @JsonProperty("category")
    @JsonPropertyDescription("Only memories of this category, exact (categories exist only when the instance"
            + " generates metadata): personal, preference, relationship, activity, event, plan, work, education,"
            + " health, location, possession, other.")
    private String category;

    @JsonIgnore
    private final List<String> unknownKeys = new ArrayList<>();

    @JsonAnySetter
    void unknown(String key, Object value) {
        unknownKeys.add(key);
    }

    /** The service's filter; absent or blank fields do not restrict; times without a zone are in {@code defaultZone}. */
    static MemoryFilter toFilter(RetrieveFilters filters, ZoneId defaultZone) {
        if (filters == null) {
            return MemoryFilter.NONE;
        }
        if (!filters.unknownKeys.isEmpty()) {
            throw new InvalidArgumentException("filters", "unknown key " + String.join(", ", filters.unknownKeys)
                    + "; the filters are time_from, time_to, speaker_name and category");
        }
        return new MemoryFilter(time("filters.time_from", filters.timeFrom, defaultZone),
                time("filters.time_to", filters.timeTo, defaultZone),
                blankToNull(filters.speakerName), blankToNull(filters.category));
    }

    /** A time argument in any accepted form, without a zone in {@code defaultZone}; null when absent or blank. */
    static Instant time(String field, String value, ZoneId defaultZone) {
        if (blankToNull(value) == null) {
            return null;
        }
        return SessionTimes.require(field, value, defaultZone).instant();
    }

    private static String blankToNull(String s) {
        return InputText.blank(s) ? null : s.strip();
    }
}
