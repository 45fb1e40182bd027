package io.lightmem.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The form of API keys: {@code lmk_<key id>_<secret>}. The key id (16 characters of [a-z2-7]) is
 * public: listings, logs and the audit log name keys by it. The secret is 256 random bits; the
 * database keeps only the SHA-256 of the whole key, which suffices for secrets of that entropy (no
 * password stretching needed: nobody can guess a preimage).
 */
final class ApiKeySecrets {

    static final String PREFIX = "lmk_";
    private static final Pattern FORM = Pattern.compile("lmk_([a-z2-7]{16})_([A-Za-z0-9_-]{43})");
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

    /** A new key and its id. */
    record Generated(String keyId, String key) {
    }

    private ApiKeySecrets() {
    }

    /**
     * @param random of the caller, made at run time: a static one would be made while the native
     *     image is built and its state baked into the executable (the image builder refuses that)
     */
    static Generated generate(SecureRandom random) {
        StringBuilder keyId = new StringBuilder(16);
        for (int i = 0; i < 16; i++) {
            keyId.append(BASE32[random.nextInt(BASE32.length)]);
        }
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String key = PREFIX + keyId + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return new Generated(keyId.toString(), key);
    }

    /** The key id of a text of the key's form; null for anything else. */
    static String keyIdOf(String key) {
        Matcher matcher = FORM.matcher(key);
        return matcher.matches() ? matcher.group(1) : null;
    }

    static boolean looksLikeApiKey(String credential) {
        return credential.startsWith(PREFIX);
    }

    static byte[] hash(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    /** Compares in time independent of where the hashes differ. */
    static boolean sameHash(byte[] expected, byte[] actual) {
        return MessageDigest.isEqual(expected, actual);
    }
}
