package io.lightmem.extract;

import io.lightmem.memory.LoggedMessage;
import java.util.List;

/** A topic segment: consecutive messages about one topic, identified by its first message's id. */
public record Segment(long id, List<LoggedMessage> messages) {
}
