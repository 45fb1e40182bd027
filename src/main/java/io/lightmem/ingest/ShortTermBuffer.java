package io.lightmem.ingest;

import io.lightmem.extract.Segment;
import io.lightmem.memory.LoggedMessage;
import io.lightmem.memory.MessagesUse;
import java.util.ArrayList;
import java.util.List;

/**
 * The short-term buffer's flush rule (docs/design.md, "Short-term buffer and extraction"), over the pending messages
 * of one user: segments
 * accumulate until adding the next one would pass the token budget; then the segments before it
 * are extracted in one call. Only the roles that feed extraction count.
 */
final class ShortTermBuffer {

    private ShortTermBuffer() {
    }

    /**
     * The segments to extract now, oldest first; empty when the buffer is still under its budget.
     *
     * @param flushAll take everything buffered (force_extract, or no LLM to save calls on)
     */
    static List<Segment> nextBatch(List<LoggedMessage> pending, MessagesUse use, int budget, boolean flushAll) {
        List<Segment> segments = segments(pending);
        if (flushAll) {
            return segments;
        }
        int tokens = 0;
        for (int i = 0; i < segments.size(); i++) {
            tokens += tokens(segments.get(i), use);
            if (tokens > budget) {
                // A segment that alone exceeds the budget is extracted on its own.
                return segments.subList(0, Math.max(i, 1));
            }
        }
        return List.of();
    }

    static List<Segment> segments(List<LoggedMessage> pending) {
        List<Segment> segments = new ArrayList<>();
        List<LoggedMessage> current = null;
        for (LoggedMessage message : pending) {
            if (current == null || current.get(0).segmentId() != message.segmentId()) {
                current = new ArrayList<>();
                segments.add(new Segment(message.segmentId(), current));
            }
            current.add(message);
        }
        return segments;
    }

    private static int tokens(Segment segment, MessagesUse use) {
        return segment.messages().stream()
                .filter(m -> use.feeds(m.role()))
                .mapToInt(LoggedMessage::tokens)
                .sum();
    }
}
