package io.lightmem.compress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lightmem.config.ExecutionProvider;
import io.lightmem.model.OnnxSessions;
import io.lightmem.testing.TinyTokenClassifier;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LLMLingua-2 compression on a generated token classifier whose keep probability of every token
 * is known, so the words kept at each rate are known.
 */
class LlmLingua2CompressorTest {

    static final List<String> DEFAULT_FORCE = List.of("\n", ".", "!", "?", ",");

    /** "Alice moved to Lisbon in March, the user said." ranked: Alice Lisbon March moved user said in to the. */
    static final String ALICE = "Alice moved to Lisbon in March, the user said.";

    @TempDir
    Path dir;

    LlmLingua2Compressor compressor;

    @AfterEach
    void close() {
        if (compressor != null) {
            compressor.close();
        }
    }

    static TinyTokenClassifier vocabulary() {
        return TinyTokenClassifier.builder()
                .token("Alice", 0.95).token("Lisbon", 0.90).token("March", 0.85).token("moved", 0.60)
                .token("user", 0.40).token("said", 0.30).token("in", 0.20).token("to", 0.10).token("the", 0.05)
                .token(",", 0.01).token(".", 0.01).token("?", 0.01).token("!", 0.01)
                // "kayaking" = kayak + ##ing: mean 0.625, max 0.98, mean of logits -> 0.81
                .token("kayak", 0.98).token("##ing", 0.27)
                .token("boat", 0.70).token("went", 0.50).token("we", 0.15).token("by", 0.12)
                .token("café", 0.90).token("𝔘", 0.02);
    }

    LlmLingua2Compressor open(TinyTokenClassifier model, UnaryOperator<LlmLingua2Compressor.Settings> settings) {
        TinyTokenClassifier.Files files = model.write(dir.resolve("model-" + System.nanoTime()));
        return new LlmLingua2Compressor(files.model(), files.tokenizer(),
                OnnxSessions.options(ExecutionProvider.cpu, 0, 1),
                settings.apply(new LlmLingua2Compressor.Settings(0.8, DEFAULT_FORCE, 512, 8)));
    }

    LlmLingua2Compressor open() {
        return open(vocabulary(), s -> s);
    }

    @Test
    void keepsTheTopRateOfWordsInTheirOriginalOrder() {
        compressor = open();

        assertThat(compressor.compress(ALICE, 1.0).text()).isEqualTo(ALICE);
        // ceil(0.6 x 9) = 6 words: Alice Lisbon March moved user said
        Compression sixty = compressor.compress(ALICE, 0.6);
        assertThat(sixty.text()).isEqualTo("Alice moved Lisbon March, user said.");
        assertThat(sixty.keptWords()).isEqualTo(6);
        assertThat(sixty.totalWords()).isEqualTo(9);
        assertThat(sixty.failed()).isFalse();
        // ceil(0.3 x 9) = 3 words: the forced "." of the dropped "said" joins the last kept word
        assertThat(compressor.compress(ALICE, 0.3).text()).isEqualTo("Alice Lisbon March,.");
    }

    @Test
    void keepsAtLeastOneWordAndRoundsTheCountUp() {
        compressor = open();

        assertThat(compressor.compress("we went by boat", 0.01).text()).isEqualTo("boat");
        // 0.5 x 5 = 2.5 -> 3 words
        assertThat(compressor.compress("we went kayaking by boat", 0.5).text()).isEqualTo("went kayaking boat");
    }

    @Test
    void usesTheConfiguredRateByDefault() {
        compressor = open(vocabulary(), s -> new LlmLingua2Compressor.Settings(0.3, s.forceTokens(),
                s.maxWindowTokens(), s.batchSize()));

        assertThat(compressor.defaultRate()).isEqualTo(0.3);
        assertThat(compressor.compress(ALICE).text()).isEqualTo("Alice Lisbon March,.");
    }

    @Test
    void aWordSplitIntoPiecesRanksByTheMeanOfItsPiecesProbabilities() {
        compressor = open();
        String text = "we went kayaking by boat"; // boat .70 > kayaking mean(.98, .27) = .625 > went .50

        // one word: boat (the max or the first piece, .98, or the mean of logits, .81, would pick kayaking)
        assertThat(compressor.compress(text, 0.2).text()).isEqualTo("boat");
        // two words: kayaking and boat (the min, .27, would pick went)
        assertThat(compressor.compress(text, 0.4).text()).isEqualTo("kayaking boat");
    }

    @Test
    void forceTokensAreAlwaysKeptAndNotRankedWithTheirWord() {
        compressor = open();

        Compression compression = compressor.compress("Alice said to the user, in March!", 0.25);

        // 7 ranked words -> 2: Alice and March; the "," of the dropped "user" joins the kept text before it
        assertThat(compression.text()).isEqualTo("Alice, March!");
        assertThat(compression.keptWords()).isEqualTo(2);
        // a word made of force tokens only is kept as a word and not ranked: 3 ranked words -> 1
        assertThat(compressor.compress("to the ? in", 0.25).text()).isEqualTo("? in");
    }

    @Test
    void withoutForceTokensPunctuationIsRankedWithItsWord() {
        compressor = open(vocabulary(), s -> new LlmLingua2Compressor.Settings(s.rate(), List.of(),
                s.maxWindowTokens(), s.batchSize()));

        // "March," = mean(.85, .01) = .43 now ranks below moved (.60); "said." = .155
        assertThat(compressor.compress(ALICE, 0.3).text()).isEqualTo("Alice moved Lisbon");
    }

    @Test
    void aClosedCompressorKeepsTheTextInsteadOfTouchingFreedMemory() {
        compressor = open();
        compressor.close();

        Compression kept = compressor.compress("Alice moved to Lisbon.", 0.5);

        assertThat(kept.failed()).isTrue();
        assertThat(kept.text()).isEqualTo("Alice moved to Lisbon.");
    }

    @Test
    void newlinesBetweenKeptWordsAreKeptWhenForced() {
        compressor = open();
        String text = "Alice moved to Lisbon.\n\nuser said";

        // 6 ranked words -> 5: all but "to"
        assertThat(compressor.compress(text, 0.7).text()).isEqualTo("Alice moved Lisbon.\n\nuser said");
        assertThat(compressor.compress(text, 1.0).text()).isEqualTo(text);
        compressor.close();

        compressor = open(vocabulary(), s -> new LlmLingua2Compressor.Settings(s.rate(), List.of(".", ","),
                s.maxWindowTokens(), s.batchSize()));
        assertThat(compressor.compress(text, 0.7).text()).isEqualTo("Alice moved Lisbon. user said");
    }

    @Test
    void emptyTextIsLeftAloneWithoutRunningTheModel() {
        // this model's output is malformed: if it ran, the result would be marked failed
        compressor = open(vocabulary().malformedAtRunTime(), s -> s);

        for (String empty : List.of("", "   ", " \n\t ")) {
            Compression compression = compressor.compress(empty, 0.5);
            assertThat(compression.text()).isEqualTo(empty);
            assertThat(compression.failed()).isFalse();
            assertThat(compression.totalWords()).isZero();
        }
        assertThat(compressor.failures()).isZero();
    }

    @Test
    void textsLongerThanTheWindowAreClassifiedInChunksAndRankedTogether() {
        // the best words are at the end, past the first window of 8 tokens (6 besides [CLS] and [SEP])
        String text = "the to in the to in the to in the to in Alice Lisbon March";
        compressor = open(vocabulary(), s -> new LlmLingua2Compressor.Settings(s.rate(), s.forceTokens(), 8, 2));

        assertThat(compressor.compress(text, 0.2).text()).isEqualTo("Alice Lisbon March");
    }

    @Test
    void chunkingDoesNotChangeWhatIsKept() {
        String text = "we went kayaking by boat, Alice said to the user in March. kayaking in Lisbon, we went by "
                + "boat to the user!\nAlice moved to Lisbon in March, the user said. we went kayaking kayaking by boat";
        LlmLingua2Compressor whole = open();
        compressor = open(vocabulary(), s -> new LlmLingua2Compressor.Settings(s.rate(), s.forceTokens(), 8, 3));
        try {
            for (double rate : new double[] {1.0, 0.8, 0.6, 0.3, 0.1}) {
                Compression chunked = compressor.compress(text, rate);
                assertThat(chunked.text()).as("rate %s", rate).isEqualTo(whole.compress(text, rate).text());
                assertThat(chunked.failed()).isFalse();
            }
        } finally {
            whole.close();
        }
    }

    @Test
    void aWordLongerThanTheWindowIsTruncatedNotFailed() {
        // kayak + 10 x ##ing: more tokens than a window of 6 (4 besides [CLS] and [SEP]) holds
        String longWord = "kayak" + "ing".repeat(10);
        compressor = open(vocabulary(), s -> new LlmLingua2Compressor.Settings(s.rate(), s.forceTokens(), 6, 8));

        Compression compression = compressor.compress("user " + longWord + " to", 0.3);

        assertThat(compression.failed()).isFalse();
        // its mean is over the 4 tokens that fit: (.98 + 3 x .27) / 4 = .45 beats user (.40);
        // over all 11 tokens it would be (.98 + 10 x .27) / 11 = .33
        assertThat(compression.text()).isEqualTo(longWord);
    }

    @Test
    void offsetsOfCharactersOutsideTheBasicMultilingualPlaneMapToTheRightWords() {
        compressor = open();

        // each 𝔘 is two UTF-16 chars but one code point: café (.90) and Lisbon (.90) are found after three of them
        assertThat(compressor.compress("𝔘 𝔘 𝔘 café to Lisbon", 0.4).text()).isEqualTo("café to Lisbon");
    }

    @Test
    void sentencePieceTokenizersMapToWordsThroughOffsetsToo() {
        // "▁"-prefixed Unigram pieces (XLM-R style) instead of WordPiece "##" continuations
        compressor = open(vocabulary().sentencePiece(), s -> s);

        assertThat(compressor.compress(ALICE, 0.6).text()).isEqualTo("Alice moved Lisbon March, user said.");
        assertThat(compressor.compress(ALICE, 0.3).text()).isEqualTo("Alice Lisbon March,.");
        assertThat(compressor.compress("we went kayaking by boat", 0.2).text()).isEqualTo("boat");
        assertThat(compressor.compress("we went kayaking by boat", 0.4).text()).isEqualTo("kayaking boat");
        assertThat(compressor.compress("𝔘 𝔘 𝔘 café to Lisbon", 0.4).text()).isEqualTo("café to Lisbon");
    }

    @Test
    void sentencePieceChunkingDoesNotChangeWhatIsKept() {
        String text = "the to in the to in the to in the to in Alice Lisbon March, we went kayaking by boat.";
        LlmLingua2Compressor whole = open(vocabulary().sentencePiece(), s -> s);
        compressor = open(vocabulary().sentencePiece(),
                s -> new LlmLingua2Compressor.Settings(s.rate(), s.forceTokens(), 8, 2));
        try {
            for (double rate : new double[] {1.0, 0.5, 0.25}) {
                assertThat(compressor.compress(text, rate).text()).as("rate %s", rate)
                        .isEqualTo(whole.compress(text, rate).text());
            }
            // 20 ranked words -> 5, four of them past the first window
            assertThat(compressor.compress(text, 0.25).text()).isEqualTo("Alice Lisbon March, kayaking boat.");
        } finally {
            whole.close();
        }
    }

    @Test
    void aBatchCompressesEachTextSeparately() {
        compressor = open();

        List<Compression> batch = compressor.compress(List.of(ALICE, "", "we went kayaking by boat"), 0.3);

        assertThat(batch).extracting(Compression::text)
                .containsExactly("Alice Lisbon March,.", "", "kayaking boat");
    }

    @Test
    void aModelWithoutTokenTypeIdsIsFedOnlyTheInputsItDeclares() {
        compressor = open(vocabulary().withoutTokenTypeIds(), s -> s);

        assertThat(compressor.compress(ALICE, 0.6).text()).isEqualTo("Alice moved Lisbon March, user said.");
    }

    @Test
    void aFailingTextKeepsItsOriginalAndIsCountedWhileTheOthersAreCompressed() {
        // "poison" has the last token id, outside the embedding: the model fails on any text containing it
        compressor = open(vocabulary().token("poison", 0.5).missingEmbeddingRows(1), s -> s);
        String poisoned = "the user said poison to Alice";

        List<Compression> batch = compressor.compress(List.of(ALICE, poisoned, "we went kayaking by boat"), 0.3);

        assertThat(batch).extracting(Compression::text)
                .containsExactly("Alice Lisbon March,.", poisoned, "kayaking boat");
        assertThat(batch).extracting(Compression::failed).containsExactly(false, true, false);
        assertThat(batch.get(1).keptWords()).isEqualTo(batch.get(1).totalWords()).isEqualTo(6);
        assertThat(compressor.failures()).isEqualTo(1);

        Compression single = compressor.compress(poisoned, 0.3);
        assertThat(single.text()).isEqualTo(poisoned);
        assertThat(single.failed()).isTrue();
        assertThat(compressor.failures()).isEqualTo(2);
    }

    @Test
    void malformedLogitsAtRunTimeKeepTheOriginalText() {
        // logits [batch, sequence, sequence]: the signature looks right, the output is not
        compressor = open(vocabulary().malformedAtRunTime(), s -> s);

        Compression compression = compressor.compress(ALICE, 0.3);

        assertThat(compression.failed()).isTrue();
        assertThat(compression.text()).isEqualTo(ALICE);
        assertThat(compressor.failures()).isEqualTo(1);
    }

    @Test
    void aClosedCompressorKeepsTheOriginalText() {
        compressor = open();
        compressor.close();

        Compression compression = compressor.compress(ALICE, 0.3);

        assertThat(compression.failed()).isTrue();
        assertThat(compression.text()).isEqualTo(ALICE);
        assertThat(compressor.failures()).isEqualTo(1);
    }

    @Test
    void aModelThatIsNotAKeepDropClassifierIsRejectedAtLoad() {
        assertThatThrownBy(() -> open(vocabulary().classes(3), s -> s))
                .hasMessageContaining("logits of shape [-1, -1, 3]");
        assertThatThrownBy(() -> open(vocabulary().outputName("last_hidden_state"), s -> s))
                .hasMessageContaining("has no output named logits");
    }

    @Test
    void aRateOutsideZeroToOneIsRejected() {
        compressor = open();

        assertThatThrownBy(() -> compressor.compress(ALICE, 0.0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> compressor.compress(ALICE, 1.5)).isInstanceOf(IllegalArgumentException.class);
    }
}
