package io.lightmem.config;

import java.util.regex.Pattern;

/** URLs as they may be shown or logged: without user-info ({@code https://user:secret@host} loses {@code user:secret@}). */
public final class Urls {

    private static final Pattern USER_INFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/?#@\\s]*@");

    private Urls() {
    }

    /** The text with the user-info of every URL in it removed; null stays null. */
    public static String withoutUserInfo(String text) {
        return text == null ? null : USER_INFO.matcher(text).replaceAll("$1");
    }
}
