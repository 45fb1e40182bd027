package io.lightmem.api.grpc;

import com.google.protobuf.Timestamp;
import io.lightmem.InvalidArgumentException;
import io.lightmem.memory.MemoryChange;
import io.lightmem.memory.MemoryEntry;
import io.lightmem.memory.MemoryIds;
import io.lightmem.memory.PortableMemory;
import io.lightmem.memory.PortableMemory.PortableChange;
import io.lightmem.memory.SessionTimes;
import io.lightmem.portability.MemoryImporter;
import io.lightmem.v1.ExportMemoriesResponse;
import io.lightmem.v1.ExportedChange;
import io.lightmem.v1.ExportedMemory;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Exported memories between protobuf and the service's types, for gRPC and for the JSON lines of the
 * HTTP front (the proto JSON mapping of the same messages). An imported memory is checked field by
 * field, each error naming {@code memories[i]…}, the memory's position in the import.
 */
public final class PortabilityMapping {

    private static final Set<String> WEEKDAYS = Set.of("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun");
    /** The widest offset java.time (and ISO-8601) allows. */
    private static final int MAX_OFFSET_SECONDS = 18 * 3600;
    private static final long MIN_SECONDS = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
    private static final long MAX_SECONDS = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();

    private PortabilityMapping() {
    }

    public static ExportMemoriesResponse response(PortableMemory memory, String embeddingModel) {
        return ExportMemoriesResponse.newBuilder().setMemory(exported(memory, embeddingModel)).build();
    }

    private static ExportedMemory exported(PortableMemory memory, String embeddingModel) {
        ExportedMemory.Builder proto = ExportedMemory.newBuilder().setId(memory.id().toString());
        MemoryEntry entry = memory.entry();
        if (entry != null) {
            proto.setEntry(GrpcMapping.entry(entry))
                    .setCreateTime(GrpcMapping.timestamp(entry.createdAt()))
                    .setUpdateTime(GrpcMapping.timestamp(entry.updatedAt()))
                    .setConsolidated(memory.consolidated());
            if (entry.topicId() != null) {
                proto.setTopicId(entry.topicId());
            }
        }
        if (embeddingModel != null) {
            // Also on a deleted memory, which has no vector of its own: it names the model of its history's.
            proto.setEmbeddingModel(embeddingModel);
        }
        if (memory.embedding() != null && embeddingModel != null) {
            for (float value : memory.embedding()) {
                proto.addEmbedding(value);
            }
        }
        for (PortableChange change : memory.history()) {
            proto.addHistory(ExportedChange.newBuilder()
                    .setChange(GrpcMapping.change(change.change()))
                    .setPrevious(exported(change.previous(), embeddingModel)));
        }
        return proto.build();
    }

    /**
     * The i-th memory of an import, checked.
     *
     * @throws InvalidArgumentException naming the field, e.g. {@code memories[3].entry.time_stamp}
     */
    public static MemoryImporter.Incoming incoming(ExportedMemory proto, int index) {
        String field = "memories[" + index + "]";
        UUID id = MemoryIds.parse(field + ".id", proto.getId());
        PortableMemory memory = memory(proto, id, field, true);
        return new MemoryImporter.Incoming(memory, proto.getEmbeddingModel().isEmpty() ? null : proto.getEmbeddingModel());
    }

    private static PortableMemory memory(ExportedMemory proto, UUID id, String field, boolean withHistory) {
        MemoryEntry entry = proto.hasEntry() ? entry(proto, id, field) : null;
        List<PortableChange> history = new ArrayList<>();
        if (withHistory) {
            for (int j = 0; j < proto.getHistoryCount(); j++) {
                history.add(change(proto.getHistory(j), id, field + ".history[" + j + "]"));
            }
        } else if (proto.getHistoryCount() > 0) {
            throw new InvalidArgumentException(field + ".history", "a previous state has no history of its own");
        }
        if (entry == null && (history.isEmpty() || !withHistory)) {
            throw new InvalidArgumentException(field + ".entry", withHistory
                    ? "required (a memory without an entry is one consolidation deleted, exported for its history,"
                            + " and this one has none)"
                    : "required");
        }
        float[] embedding = null;
        if (proto.getEmbeddingCount() > 0) {
            embedding = new float[proto.getEmbeddingCount()];
            for (int k = 0; k < embedding.length; k++) {
                embedding[k] = proto.getEmbedding(k);
            }
        }
        return new PortableMemory(id, entry, proto.getConsolidated(), embedding, history);
    }

    private static MemoryEntry entry(ExportedMemory proto, UUID id, String field) {
        io.lightmem.v1.MemoryEntry entry = proto.getEntry();
        String at = field + ".entry";
        if (!entry.getId().isEmpty() && !entry.getId().equals(proto.getId())) {
            throw new InvalidArgumentException(at + ".id", "'" + entry.getId() + "' differs from the memory's id "
                    + proto.getId());
        }
        if (entry.getMemory().isBlank()) {
            throw new InvalidArgumentException(at + ".memory", "must not be blank");
        }
        if (!entry.hasTimeStamp()) {
            throw new InvalidArgumentException(at + ".time_stamp", "required");
        }
        long offset = entry.getUtcOffset().getSeconds();
        if (Math.abs(offset) > MAX_OFFSET_SECONDS || entry.getUtcOffset().getNanos() != 0) {
            throw new InvalidArgumentException(at + ".utc_offset", "must be whole seconds within ±18 hours, got "
                    + offset + "s");
        }
        OffsetDateTime time = instant(entry.getTimeStamp(), at + ".time_stamp")
                .atOffset(ZoneOffset.ofTotalSeconds((int) offset));
        String weekday = entry.getWeekday().isEmpty() ? SessionTimes.weekday(time) : entry.getWeekday();
        if (!WEEKDAYS.contains(weekday)) {
            throw new InvalidArgumentException(at + ".weekday", "must be Mon, Tue, Wed, Thu, Fri, Sat or Sun, got '"
                    + weekday + "'");
        }
        if (entry.getHitTime() < 0) {
            throw new InvalidArgumentException(at + ".hit_time", "must not be negative, got " + entry.getHitTime());
        }
        Instant created = proto.hasCreateTime() ? instant(proto.getCreateTime(), field + ".create_time") : time.toInstant();
        Instant updated = proto.hasUpdateTime() ? instant(proto.getUpdateTime(), field + ".update_time") : created;
        return new MemoryEntry(id, entry.getUserId(), entry.getMemory(), emptyToNull(entry.getOriginalMemory()),
                emptyToNull(entry.getCompressedMemory()), time, weekday, emptyToNull(entry.getSpeakerId()),
                emptyToNull(entry.getSpeakerName()), emptyToNull(entry.getCategory()), emptyToNull(entry.getSubcategory()),
                List.copyOf(entry.getKeywordsList()), List.copyOf(entry.getEntitiesList()),
                proto.getTopicId() == 0 ? null : proto.getTopicId(), entry.getHitTime(),
                List.copyOf(entry.getSourcesList()), created, updated);
    }

    private static PortableChange change(ExportedChange proto, UUID id, String field) {
        io.lightmem.v1.MemoryChange change = proto.getChange();
        String action = switch (change.getAction()) {
            case CONSOLIDATION_ACTION_UPDATE -> "update";
            case CONSOLIDATION_ACTION_DELETE -> "delete";
            default -> throw new InvalidArgumentException(field + ".change.action",
                    "must be CONSOLIDATION_ACTION_UPDATE or CONSOLIDATION_ACTION_DELETE, got " + change.getAction());
        };
        if (!change.getMemoryId().isEmpty() && !change.getMemoryId().equals(id.toString())) {
            throw new InvalidArgumentException(field + ".change.memory_id", "'" + change.getMemoryId()
                    + "' differs from the memory's id " + id);
        }
        if (!change.hasChangedAt()) {
            throw new InvalidArgumentException(field + ".change.changed_at", "required");
        }
        if (!proto.hasPrevious()) {
            throw new InvalidArgumentException(field + ".previous", "required: the memory before the change");
        }
        // change_id and run_id belong to the exporting instance: changes are numbered anew.
        MemoryChange domain = new MemoryChange(0, id, action, emptyToNull(change.getOldMemory()),
                emptyToNull(change.getNewMemory()), instant(change.getChangedAt(), field + ".change.changed_at"),
                change.hasUndoneAt() ? instant(change.getUndoneAt(), field + ".change.undone_at") : null, null);
        return new PortableChange(domain, memory(proto.getPrevious(), id, field + ".previous", false));
    }

    /** Years 1 to 9999, as google.protobuf.Timestamp defines them (and PostgreSQL can store). */
    private static Instant instant(Timestamp timestamp, String field) {
        if (timestamp.getSeconds() < MIN_SECONDS || timestamp.getSeconds() > MAX_SECONDS || timestamp.getNanos() < 0
                || timestamp.getNanos() > 999_999_999) {
            throw new InvalidArgumentException(field, "must be a time between the years 1 and 9999, got "
                    + timestamp.getSeconds() + " s");
        }
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
