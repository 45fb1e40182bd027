package io.lightmem.ingest;

import io.lightmem.memory.LoggedMessage;
import io.lightmem.memory.Role;
import io.lightmem.segment.TopicSegmenter;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The sensory buffer's release rule (docs/design.md, "Topic segmentation"), over the not yet segmented messages of
 * one user:
 * once the user messages reach {@code bufferLen} tokens the buffer is cut into topic segments and
 * all but the last are released (the last topic may still continue); {@code forceSegment}
 * releases everything.
 */
final class SensoryBuffer {

    private SensoryBuffer() {
    }

    /** The segments to release now, oldest first; empty while the buffer is not full. */
    static List<List<LoggedMessage>> release(List<LoggedMessage> buffered, int bufferLen, boolean forceSegment,
            TopicSegmenter segmenter) {
        List<List<LoggedMessage>> turns = LoggedMessage.turns(buffered);
        int userTokens = buffered.stream().filter(m -> m.role() == Role.user).mapToInt(LoggedMessage::tokens).sum();
        if (turns.isEmpty() || !forceSegment && userTokens < bufferLen) {
            return List.of();
        }
        TreeSet<Integer> boundaries = new TreeSet<>(segmenter.boundaries(turns.stream()
                .map(SensoryBuffer::segmenterTurn).toList()));
        // A turn that alone fills the buffer is a topic of its own.
        for (int i = 0; i < turns.size(); i++) {
            if (userTokens(turns.get(i)) >= bufferLen) {
                boundaries.add(i);
                boundaries.add(i + 1);
            }
        }
        boundaries.remove(0);
        boundaries.removeIf(b -> b >= turns.size());
        // Without forceSegment the last topic stays open; a full buffer with no boundary goes whole.
        int end = forceSegment || boundaries.isEmpty() ? turns.size() : boundaries.last();
        List<List<LoggedMessage>> segments = new ArrayList<>();
        int start = 0;
        for (int boundary : boundaries.headSet(end, true)) {
            segments.add(flatten(turns.subList(start, boundary)));
            start = boundary;
        }
        if (start < end) {
            segments.add(flatten(turns.subList(start, end)));
        }
        return segments;
    }

    private static TopicSegmenter.Turn segmenterTurn(List<LoggedMessage> turn) {
        return new TopicSegmenter.Turn(text(turn, Role.user), text(turn, Role.assistant));
    }

    private static String text(List<LoggedMessage> turn, Role role) {
        return String.join(" ", turn.stream().filter(m -> m.role() == role).map(LoggedMessage::content).toList());
    }

    private static int userTokens(List<LoggedMessage> turn) {
        return turn.stream().filter(m -> m.role() == Role.user).mapToInt(LoggedMessage::tokens).sum();
    }

    private static List<LoggedMessage> flatten(List<List<LoggedMessage>> turns) {
        return turns.stream().flatMap(List::stream).toList();
    }
}
