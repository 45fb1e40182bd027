package io.lightmem.compress;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A text cut into whitespace-separated words, with the keep probabilities the LLMLingua-2 model gave
 * their tokens gathered per word; {@link #compress} keeps the most probable {@code rate} of the words
 * in their order, with the force tokens (docs/compression.md).
 */
final class WordedText {

    final String text;
    final int words;
    final int[] start;
    final int[] end;
    /** End of the ranked part of each word; from there to {@code end} are force tokens. */
    final int[] coreEnd;
    final int ranked;
    final double[] sum;
    final int[] count;
    /** UTF-16 index of each code point (null when they are the same). */
    private final int[] codePointChars;
    /** Tokens kept at the end of a word even when the word is dropped (e.g. "."). */
    private final List<String> wordForceTokens;
    /** Whitespace kept between words (e.g. newlines). */
    private final String gapForceChars;

    WordedText(String text, List<String> wordForceTokens, String gapForceChars) {
        this.text = text;
        this.wordForceTokens = wordForceTokens;
        this.gapForceChars = gapForceChars;
        List<int[]> spans = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            int from = i;
            while (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i > from) {
                spans.add(new int[] {from, i});
            }
        }
        this.words = spans.size();
        this.start = new int[words];
        this.end = new int[words];
        this.coreEnd = new int[words];
        int rankedWords = 0;
        for (int w = 0; w < words; w++) {
            start[w] = spans.get(w)[0];
            end[w] = spans.get(w)[1];
            coreEnd[w] = stripForceSuffix(text, start[w], end[w]);
            if (coreEnd[w] > start[w]) {
                rankedWords++;
            }
        }
        this.ranked = rankedWords;
        this.sum = new double[words];
        this.count = new int[words];
        if (text.codePointCount(0, text.length()) == text.length()) {
            codePointChars = null;
        } else {
            codePointChars = new int[text.codePointCount(0, text.length()) + 1];
            int cp = 0;
            for (int c = 0; c < text.length(); c = text.offsetByCodePoints(c, 1)) {
                codePointChars[cp++] = c;
            }
            codePointChars[cp] = text.length();
        }
    }

    private int stripForceSuffix(String text, int from, int to) {
        boolean stripped = true;
        while (stripped && to > from) {
            stripped = false;
            for (String token : wordForceTokens) {
                if (to - from >= token.length() && text.startsWith(token, to - token.length())) {
                    to -= token.length();
                    stripped = true;
                    break;
                }
            }
        }
        return to;
    }

    int charIndex(int codePoint) {
        if (codePointChars == null) {
            return Math.min(codePoint, text.length());
        }
        return codePointChars[Math.min(codePoint, codePointChars.length - 1)];
    }

    int codePoint(int charIndex) {
        return codePointChars == null ? charIndex : text.codePointCount(0, charIndex);
    }

    /** The first word that ends after {@code charIndex}. */
    int wordAt(int charIndex) {
        int low = 0;
        int high = words;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (end[mid] <= charIndex) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    Compression compress(double rate) {
        Integer[] order = new Integer[ranked];
        int n = 0;
        for (int w = 0; w < words; w++) {
            if (coreEnd[w] > start[w]) {
                order[n++] = w;
            }
        }
        double[] probability = new double[words];
        for (int w = 0; w < words; w++) {
            probability[w] = count[w] == 0 ? 0.0 : sum[w] / count[w];
        }
        // Stable: equal probabilities keep the earlier word first.
        Arrays.sort(order, (a, b) -> Double.compare(probability[b], probability[a]));
        int keep = Math.max(1, Math.min(ranked, (int) Math.ceil(rate * ranked - 1e-9)));
        boolean[] kept = new boolean[words];
        for (int k = 0; k < keep; k++) {
            kept[order[k]] = true;
        }
        StringBuilder out = new StringBuilder(text.length());
        int previousEnd = 0;
        for (int w = 0; w < words; w++) {
            boolean wholeForce = coreEnd[w] == start[w];
            int from;
            boolean glue;
            if (kept[w] || wholeForce) {
                from = start[w];
                glue = false;
            } else if (coreEnd[w] < end[w]) {
                from = coreEnd[w]; // the forced ending of a dropped word
                glue = true;
            } else {
                continue;
            }
            boolean gapKept = appendGap(out, previousEnd, start[w]);
            if (!gapKept && !glue && out.length() > 0) {
                out.append(' ');
            }
            out.append(text, from, end[w]);
            previousEnd = end[w];
        }
        appendGap(out, previousEnd, text.length());
        return new Compression(out.toString(), Words.count(out.toString()), words, false);
    }

    /** Appends the forced whitespace (newlines) found in text[from, to); true if there was any. */
    private boolean appendGap(StringBuilder out, int from, int to) {
        boolean any = false;
        for (int c = from; c < to; c++) {
            if (gapForceChars.indexOf(text.charAt(c)) >= 0) {
                out.append(text.charAt(c));
                any = true;
            }
        }
        return any;
    }
}
