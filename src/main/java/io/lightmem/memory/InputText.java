package io.lightmem.memory;

import io.lightmem.InvalidArgumentException;

/**
 * What text a request may carry, the same on every transport (docs/fault-tolerance.md, "Strict
 * input"): Unicode text of at most a field's length, without control characters other than tab and
 * line breaks (no NUL, which PostgreSQL cannot store, no escape sequences for a terminal or a
 * prompt), without unpaired surrogates; and "blank" means no visible character, so text of spaces
 * and invisible characters (zero-width spaces, joiners, a byte-order mark) counts as blank.
 */
public final class InputText {

    /** Names and ids a caller chooses: a speaker's name and id, filter values. */
    public static final int MAX_NAME_CHARS = 128;

    private InputText() {
    }

    /**
     * Checks {@code text} (null passes) and returns it.
     *
     * @throws InvalidArgumentException naming {@code field} when it is too long or holds a character
     *         that is not text
     */
    public static String check(String field, String text, int maxChars) {
        if (text == null) {
            return null;
        }
        if (text.length() > maxChars) {
            throw new InvalidArgumentException(field, "at most " + maxChars + " characters, got " + text.length());
        }
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            if (Character.isSurrogate((char) c) && Character.charCount(c) == 1) {
                throw new InvalidArgumentException(field, "holds an unpaired surrogate at character " + i
                        + ": not valid Unicode");
            }
            if (isControl(c) || c == 0xFFFE || c == 0xFFFF) {
                throw new InvalidArgumentException(field, "holds the control character U+"
                        + String.format("%04X", c) + " at character " + i + "; only tab and line breaks are allowed");
            }
            i += Character.charCount(c);
        }
        return text;
    }

    /** Whether the text has no visible character (null and empty included). */
    public static boolean blank(String text) {
        return text == null || text.codePoints().noneMatch(InputText::visible);
    }

    /** C0 controls but tab, line feed and carriage return; DEL; C1 controls. */
    private static boolean isControl(int c) {
        return c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c >= 0x7F && c <= 0x9F;
    }

    private static boolean visible(int c) {
        if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
            return false;
        }
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.UNASSIGNED -> false;
            // Characters that render as nothing but are not classed as format or space.
            default -> c != 0x115F && c != 0x1160 && c != 0x3164 && c != 0xFFA0 && c != 0x2800;
        };
    }
}
