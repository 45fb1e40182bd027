package io.lightmem.compress;

/** Words as the compressor counts them: maximal runs of non-whitespace characters. */
final class Words {

    private Words() {
    }

    static int count(String text) {
        int words = 0;
        boolean inWord = false;
        for (int i = 0; i < text.length(); i++) {
            boolean space = Character.isWhitespace(text.charAt(i));
            if (!space && !inWord) {
                words++;
            }
            inWord = !space;
        }
        return words;
    }
}
