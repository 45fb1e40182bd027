package io.lightmem.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Which texts the encoder runs together: similar lengths, at most a batch, every text once. */
class LengthBatchesTest {

    @Test
    void shortTextsDoNotRunBesideLongOnes() {
        // A chat session: short user turns between long assistant answers (token counts).
        int[] lengths = {12, 256, 9, 240, 20, 256};

        List<int[]> runs = LengthBatches.plan(lengths, 32);

        assertThat(runs).extracting(Arrays::toString).containsExactly("[2, 0, 4]", "[3, 1, 5]");
    }

    @Test
    void aRunEndsWhenTheNextTextIsMoreThanTwiceItsFirst() {
        int[] lengths = {40, 80, 81, 170};

        assertThat(LengthBatches.plan(lengths, 32)).extracting(Arrays::toString)
                .containsExactly("[0, 1]", "[2]", "[3]");
    }

    @Test
    void textsUpToTheMinimumWidthShareARunWhateverTheirRatio() {
        int[] lengths = {3, 30, 32};

        assertThat(LengthBatches.plan(lengths, 32)).extracting(Arrays::toString).containsExactly("[0, 1, 2]");
    }

    @Test
    void aRunHoldsAtMostTheBatchSizeAndEveryTextIsInExactlyOneRun() {
        int[] lengths = IntStream.range(0, 10).map(i -> 10 + i % 3).toArray();

        List<int[]> runs = LengthBatches.plan(lengths, 4);

        assertThat(runs).allSatisfy(run -> assertThat(run.length).isLessThanOrEqualTo(4));
        assertThat(runs.stream().flatMapToInt(Arrays::stream).sorted().toArray())
                .containsExactly(IntStream.range(0, 10).toArray());
    }
}
