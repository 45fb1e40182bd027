package io.lightmem.retrieve;

import io.lightmem.memory.Owner;
import io.lightmem.store.MemoryRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which participants of a user's scope a query names: its capitalized words (and pairs of them, for
 * two-word names), without a possessive "'s", compared case-insensitively with the speaker names of
 * the scope's memories. Questions name people the way the text of their messages rarely does
 * ("What did Caroline adopt?" — Caroline wrote "I adopted a cat"), so the speaker column carries what
 * the text lacks, without putting the name into the text and its embedding (docs/retrieval.md).
 */
@ApplicationScoped
public class SpeakerMatch {

    /** Words probed per query at most: a query of many capitalized words is not a name lookup. */
    static final int MAX_CANDIDATES = 16;
    private static final Pattern NAME_WORD = Pattern.compile("\\p{Lu}[\\p{L}\\p{M}\\p{Nd}.'’-]*");

    private final MemoryRepository memories;

    public SpeakerMatch(MemoryRepository memories) {
        this.memories = memories;
    }

    /** The speaker names of the user's memories that {@code query} names, as stored; often empty. */
    public List<String> named(Owner owner, String query) {
        return memories.speakersNamed(owner, candidates(query));
    }

    /** Lower-case capitalized words of the query and pairs of adjacent ones, possessives removed. */
    public static List<String> candidates(String query) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = NAME_WORD.matcher(query);
        String previous = null;
        int previousEnd = -2;
        while (m.find() && out.size() < MAX_CANDIDATES) {
            String word = bare(m.group());
            if (word.isEmpty()) {
                continue;
            }
            out.add(word);
            if (previous != null && query.substring(previousEnd, m.start()).equals(" ")) {
                out.add(previous + " " + word);
            }
            previous = word;
            previousEnd = m.end();
        }
        return new ArrayList<>(out).subList(0, Math.min(out.size(), MAX_CANDIDATES));
    }

    private static String bare(String word) {
        String w = word.toLowerCase(Locale.ROOT);
        for (String possessive : List.of("'s", "’s")) {
            if (w.endsWith(possessive)) {
                w = w.substring(0, w.length() - possessive.length());
            }
        }
        return w.replaceAll("[.'’-]+$", "");
    }
}
