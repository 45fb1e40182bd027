package io.lightmem.client;

import java.util.List;
import java.util.Optional;

/**
 * One page of a user's memories, oldest first.
 *
 * @param nextPageToken the token of the next page; empty after the last page
 */
public record MemoryPage(List<Memory> memories, String nextPageToken) {

    /** The token to pass for the next page, if there is one. */
    public Optional<String> next() {
        return nextPageToken.isEmpty() ? Optional.empty() : Optional.of(nextPageToken);
    }
}
