package io.lightmem.retrieve;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How a query names participants (the ranking that raises their memories: BoostedRankingTest). */
class SpeakerMatchTest {

    @Test
    void namesAreTheCapitalizedWordsAndPairsWithoutPossessives() {
        assertThat(SpeakerMatch.candidates("What did Caroline's sister tell Melanie about Mary Ann?"))
                .containsExactlyInAnyOrder("what", "caroline", "melanie", "mary", "mary ann", "ann");
        assertThat(SpeakerMatch.candidates("Where does Kate work as a teacher assistant?"))
                .containsExactly("where", "kate");
        assertThat(SpeakerMatch.candidates("when did we last talk about it")).isEmpty();
    }

    @Test
    void aQueryOfManyCapitalizedWordsProbesABoundedNumber() {
        String shouting = "A B C D E F G H I J K L M N O P Q R S T U V W X Y Z";

        assertThat(SpeakerMatch.candidates(shouting)).hasSize(SpeakerMatch.MAX_CANDIDATES);
    }
}
