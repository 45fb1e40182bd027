package io.lightmem.retrieve;

import io.lightmem.InvalidArgumentException;
import io.lightmem.NotFoundException;
import io.lightmem.memory.InputText;
import io.lightmem.memory.MemoryEntry;
import io.lightmem.memory.MemoryIds;
import io.lightmem.memory.Owner;
import io.lightmem.store.MemoryRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/** Memories by id, and all of a user's memories page by page in time order (no hit counting). */
@ApplicationScoped
public class MemoryLookup {

    static final int DEFAULT_PAGE_SIZE = 100;
    static final int MAX_PAGE_SIZE = 1000;
    /** Tokens this service hands out are about 70 characters. */
    static final int MAX_PAGE_TOKEN_CHARS = 512;

    /** One page and the token of the next, null after the last. */
    public record Page(List<MemoryEntry> entries, String nextPageToken) {
    }

    private final MemoryRepository memories;
    private final int maxResponseBytes;

    public MemoryLookup(MemoryRepository memories, RetrievalConfig config) {
        this.memories = memories;
        this.maxResponseBytes = config.retrieve().maxResponseBytes();
    }

    public MemoryEntry get(Owner owner, String memoryId) {
        MemoryEntry entry = memories.find(owner, MemoryIds.parse("memory_id", memoryId));
        if (entry == null) {
            throw new NotFoundException("memory " + memoryId + " does not exist for this user");
        }
        return entry;
    }

    /**
     * @param pageSize 0 for the default
     * @param pageToken empty for the first page, else the token of the previous page
     */
    public Page list(Owner owner, int pageSize, String pageToken) {
        if (pageSize < 0 || pageSize > MAX_PAGE_SIZE) {
            throw new InvalidArgumentException("page_size", "must be between 1 and " + MAX_PAGE_SIZE
                    + " (0 for the default, " + DEFAULT_PAGE_SIZE + "), got " + pageSize);
        }
        int size = pageSize == 0 ? DEFAULT_PAGE_SIZE : pageSize;
        InputText.check("page_token", pageToken, MAX_PAGE_TOKEN_CHARS);
        Position after = pageToken == null || pageToken.isEmpty() ? null : Position.decode(pageToken);
        // One row more than asked tells whether another page follows.
        List<MemoryEntry> rows = memories.page(owner, after == null ? null : after.id(),
                after == null ? 0 : after.time(), size + 1);
        // A page of large memories ends early, within lightmem.retrieve.max-response-bytes; its token continues.
        List<MemoryEntry> page = ResponseBudget.within(rows.subList(0, Math.min(size, rows.size())), maxResponseBytes,
                ResponseBudget::bytes);
        if (page.size() == rows.size()) {
            return new Page(rows, null);
        }
        MemoryEntry last = page.get(page.size() - 1);
        return new Page(page, new Position(epochSeconds(last), last.id()).encode());
    }

    private static double epochSeconds(MemoryEntry entry) {
        return entry.timeStamp().toEpochSecond() + entry.timeStamp().getNano() / 1e9;
    }

    /** Where a page ended: the last entry's id and (approximate) time, opaque to callers. */
    private record Position(double time, UUID id) {

        String encode() {
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((time + "|" + id).getBytes(StandardCharsets.UTF_8));
        }

        static Position decode(String token) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\\|");
                return new Position(Double.parseDouble(parts[0]), UUID.fromString(parts[1]));
            } catch (RuntimeException e) {
                throw new InvalidArgumentException("page_token", "is not a token this service returned");
            }
        }
    }
}
