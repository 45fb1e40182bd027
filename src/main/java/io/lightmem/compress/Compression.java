package io.lightmem.compress;

/**
 * The result of compressing one text.
 *
 * @param text the compressed text; the original text when {@code failed} or when nothing was to be compressed
 * @param keptWords whitespace-separated words in {@code text}
 * @param totalWords whitespace-separated words in the original text
 * @param failed compression failed and {@code text} is the original (the failure was logged and counted)
 */
public record Compression(String text, int keptWords, int totalWords, boolean failed) {

    /** The text kept as it is: empty content, compression turned off. */
    public static Compression unchanged(String text) {
        int words = Words.count(text);
        return new Compression(text, words, words, false);
    }

    /** Compression failed: the original text is kept. */
    public static Compression failedOn(String text) {
        int words = Words.count(text);
        return new Compression(text, words, words, true);
    }

    /** kept / total words (1 for a text without words). */
    public double ratio() {
        return totalWords == 0 ? 1.0 : (double) keptWords / totalWords;
    }
}
