package io.lightmem.bench;

import java.util.List;
import java.util.Random;

/**
 * Seeded, templated chat-memory sentences (12–25 words, like LoCoMo turns) and questions about
 * them, for scale runs where only size and realistic text length matter.
 */
final class Synthetic {

    private static final List<String> NAMES = List.of("Alice", "Bob", "Caroline", "Daniel", "Emma", "Farid", "Grace",
            "Hiro", "Isabel", "Jon", "Kemal", "Lena", "Marco", "Nadia", "Oscar", "Priya", "Quinn", "Rosa", "Sam",
            "Tariq", "Uma", "Victor", "Wen", "Ximena", "Yusuf", "Zoe", "Melanie", "Gina", "Tim", "Andrew");
    private static final List<String> ACTIVITIES = List.of("went hiking", "baked sourdough bread", "painted a sunset",
            "adopted a puppy", "started a pottery class", "ran a half marathon", "visited the art museum",
            "learned to play the violin", "cooked a Thai curry", "planted tomatoes", "joined a book club",
            "fixed an old bicycle", "watched a documentary about whales", "booked flights", "went camping",
            "volunteered at the shelter", "practised yoga", "wrote a short story", "tried rock climbing",
            "bought a vintage camera", "organised a birthday party", "went to a jazz concert", "studied Spanish",
            "built a bookshelf", "went kayaking", "took a photography workshop", "adopted a cat",
            "started a podcast", "renovated the kitchen", "visited grandparents");
    private static final List<String> PLACES = List.of("in Boston", "near the lake", "at the community center",
            "in the mountains", "downtown", "at the beach", "in Lisbon", "at the old library", "in the park",
            "in Kyoto", "at the farmers market", "in a small village", "by the river", "at the university",
            "in Barcelona", "at a friend's house", "in the countryside", "at the gym", "in Chicago", "in Vancouver");
    private static final List<String> TIMES = List.of("last weekend", "yesterday", "two weeks ago", "on Friday evening",
            "last summer", "this morning", "during the holidays", "last month", "on Sunday", "a few days ago");
    private static final List<String> FEELINGS = List.of("it was relaxing", "it was harder than expected",
            "it made them really happy", "they want to do it again soon", "it was a bit stressful",
            "they learned a lot", "the weather was perfect", "their family loved it", "it felt like a fresh start",
            "it reminded them of childhood");

    private final Random random;

    Synthetic(long seed) {
        this.random = new Random(seed);
    }

    String sentence() {
        return switch (random.nextInt(3)) {
            case 0 -> pick(NAMES) + " " + pick(ACTIVITIES) + " " + pick(PLACES) + " " + pick(TIMES) + " and said "
                    + pick(FEELINGS) + ".";
            case 1 -> pick(TIMES).substring(0, 1).toUpperCase() + pick(TIMES).substring(1) + " " + pick(NAMES) + " and "
                    + pick(NAMES) + " " + pick(ACTIVITIES) + " " + pick(PLACES) + "; " + pick(FEELINGS) + ".";
            default -> "I told " + pick(NAMES) + " that I " + pick(ACTIVITIES) + " " + pick(PLACES) + " and "
                    + pick(FEELINGS) + ", so next time I want to bring " + pick(NAMES) + " along.";
        };
    }

    String question() {
        return switch (random.nextInt(3)) {
            case 0 -> "When did " + pick(NAMES) + " go " + pick(PLACES).replaceFirst("^(in|at|near|by) ", "to ") + "?";
            case 1 -> "Who " + pick(ACTIVITIES) + " " + pick(PLACES) + " " + pick(TIMES) + "?";
            default -> "What did " + pick(NAMES) + " think about the time they " + pick(ACTIVITIES) + "?";
        };
    }

    /** {@code n} different questions (a repeated one would be served from the service's query cache). */
    List<String> distinctQuestions(int n) {
        java.util.Set<String> questions = new java.util.LinkedHashSet<>();
        while (questions.size() < n) {
            questions.add(question());
        }
        return List.copyOf(questions);
    }

    private String pick(List<String> words) {
        return words.get(random.nextInt(words.size()));
    }
}
