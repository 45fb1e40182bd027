package io.lightmem.memory;

import io.lightmem.InvalidArgumentException;
import java.util.regex.Pattern;

/** The tenant scope every call carries. */
public final class UserIds {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");

    private UserIds() {
    }

    /** Returns the user id, or throws naming {@code field} when it is missing or malformed. */
    public static String require(String field, String userId) {
        if (userId == null || userId.isEmpty()) {
            throw new InvalidArgumentException(field, "required");
        }
        if (!VALID.matcher(userId).matches()) {
            throw new InvalidArgumentException(field, "must be 1 to 128 characters of [A-Za-z0-9._:@-], got '"
                    + abbreviate(userId) + "'");
        }
        return userId;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
