package io.lightmem.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Request bodies must be well-formed UTF-8 (RFC 3629): JSON parsers decode some malformed input
 * leniently (an overlong {@code C1 A1} reads as {@code a}), so a gateway that checks a user id and
 * the service could read two different ids from one body. Java's decoder rejects overlong forms,
 * encoded surrogates and anything above U+10FFFF.
 */
public final class StrictUtf8 {

    private StrictUtf8() {
    }

    /** The offset of the first byte that is not well-formed UTF-8, or -1 when all are. */
    public static int malformedAt(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(Math.max(16, bytes.length));
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            return in.position();
        }
        return decoder.flush(out).isError() ? in.position() : -1;
    }

    /**
     * The field of a JSON document at a byte offset, e.g. {@code messages[1].content}, read from the
     * well-formed bytes before it; {@code root} when the offset is outside any field.
     */
    public static String fieldAt(byte[] json, int offset, ObjectMapper mapper, String root) {
        String before;
        try {
            before = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(json, 0, offset)).toString();
        } catch (CharacterCodingException e) {
            return root;
        }
        JsonPointer at = JsonPointer.empty();
        try (JsonParser parser = mapper.getFactory().createParser(before)) {
            while (parser.nextToken() != null) {
                at = parser.getParsingContext().pathAsPointer();
            }
        } catch (IOException e) {
            // the document ends inside the value being read: the path reached is the field
        }
        String field = JsonFields.of(at);
        return field.isEmpty() ? root : field;
    }
}
