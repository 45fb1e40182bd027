package io.lightmem.ingest;

import io.lightmem.InvalidArgumentException;
import io.lightmem.memory.NormalizedMessage;
import io.lightmem.store.Acceptance;
import io.lightmem.store.RequestKey;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Request ids that make AddMemory safe to retry (Google AIP-155): the first request with an id is
 * accepted, a retry with the same id and the same messages gets the same message ids and writes
 * nothing, and a reuse of the id for other messages is refused.
 */
public final class RequestIds {

    private static final Pattern VALID = Pattern.compile("[\\x21-\\x7E]{1,128}");

    private RequestIds() {
    }

    /** The key for the request, or null when the caller sent no request id (null or empty). */
    static RequestKey key(String requestId, List<NormalizedMessage> messages) {
        if (requestId == null || requestId.isEmpty()) {
            return null;
        }
        if (!VALID.matcher(requestId).matches()) {
            throw new InvalidArgumentException("request_id", "must be 1 to 128 visible ASCII characters (a UUID is a "
                    + "good choice), got " + requestId.length() + " characters");
        }
        return new RequestKey(requestId, fingerprint(messages));
    }

    /**
     * The ids the request's messages were accepted as.
     *
     * @throws InvalidArgumentException when the request id was accepted before for different messages
     */
    static List<Long> messageIds(RequestKey key, Acceptance acceptance) {
        if (key != null && acceptance.repeated() && !Arrays.equals(key.fingerprint(), acceptance.fingerprint())) {
            throw new InvalidArgumentException("request_id", "'" + key.requestId() + "' was already used by this "
                    + "user for different messages; send new messages with a new request_id");
        }
        return acceptance.messageIds();
    }

    /**
     * The request id of a CloudEvent: source and id identify an event (CloudEvents 1.0), so a
     * redelivered event maps to the same request id.
     */
    public static String ofCloudEvent(String source, String id) {
        return "ce:" + HexFormat.of().formatHex(sha256(out -> {
            writeNullable(out, source);
            writeNullable(out, id);
        }));
    }

    /**
     * What makes two requests the same: roles, speakers and texts, in order. Times are left out: a
     * client that stamps "now" when it retries still sends the same request.
     */
    private static byte[] fingerprint(List<NormalizedMessage> messages) {
        return sha256(out -> {
            out.writeInt(messages.size());
            for (NormalizedMessage message : messages) {
                out.writeUTF(message.role().name());
                writeNullable(out, message.speakerId());
                writeNullable(out, message.speakerName());
                writeNullable(out, message.content());
            }
        });
    }

    /** Length-prefixed, so ("ab", "c") and ("a", "bc") differ; null differs from "". */
    private static void writeNullable(DataOutputStream out, String value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] sha256(Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writer.write(out);
            return MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
