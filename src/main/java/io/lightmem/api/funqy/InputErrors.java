package io.lightmem.api.funqy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.lightmem.ErrorKind;
import io.lightmem.api.ApiError;
import io.lightmem.api.JsonFields;
import java.util.Collection;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Describes a body (or event data) that could not be read as the function's request, naming the field. */
final class InputErrors {

    private InputErrors() {
    }

    /**
     * @param root what the whole input is called: "body" for plain HTTP, "data" for a CloudEvent
     */
    static ApiError describe(JsonProcessingException e, String root) {
        Matcher duplicate = DUPLICATE.matcher(String.valueOf(e.getOriginalMessage()));
        if (duplicate.find()) {
            String object = e instanceof JsonMappingException mapping ? path(mapping, "")
                    : e instanceof StreamReadException read ? enclosingObject(read) : "";
            String name = duplicate.group(1);
            return invalid(name.isEmpty() ? root : object.isEmpty() ? name : object + "." + name,
                    "given twice; a key may appear once");
        }
        if (e instanceof InputCoercionException range) {
            return invalid(readingField(range, root), firstLine(range.getOriginalMessage()));
        }
        if (e instanceof StreamReadException syntax && !(e instanceof JsonMappingException)) {
            JsonLocation at = syntax.getLocation();
            return invalid(root, "not valid JSON: " + firstLine(syntax.getOriginalMessage())
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        }
        String field = e instanceof JsonMappingException mapping ? path(mapping, root) : root;
        if (e instanceof InvalidFormatException format) {
            return invalid(field, "'" + format.getValue() + "' is not " + describe(format.getTargetType()));
        }
        if (e instanceof MismatchedInputException mismatch) {
            if (String.valueOf(mismatch.getOriginalMessage()).startsWith("No content")) {
                return invalid(field, "required: a JSON object");
            }
            // StrictJson refuses to convert: "Cannot coerce String value ("ten") to `int` value ..."
            Matcher coerced = COERCED.matcher(String.valueOf(mismatch.getOriginalMessage()));
            if (coerced.find()) {
                return invalid(field, "'" + coerced.group(1).replaceAll("^\"|\"$", "") + "' is not "
                        + describe(mismatch.getTargetType()));
            }
            return invalid(field, "must be " + describe(mismatch.getTargetType()));
        }
        return invalid(field, firstLine(e.getOriginalMessage()));
    }

    /** Jackson's message for a key given twice (StreamReadFeature.STRICT_DUPLICATE_DETECTION). */
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate (?:field|Object property) '([^']*)'");
    /** Jackson's message for a value of another type it was told not to convert. */
    private static final Pattern COERCED = Pattern.compile("Cannot coerce \\S+ value \\((.*)\\) to");

    /** "messages[0]" for a key given twice in the first message: where the parser was. */
    private static String enclosingObject(StreamReadException e) {
        JsonParser parser = e.getProcessor();
        return parser != null && parser.getParsingContext() != null && parser.getParsingContext().getParent() != null
                ? JsonFields.of(parser.getParsingContext().getParent().pathAsPointer()) : "";
    }

    /** The field the parser was reading (e.g. a number too large for it), or {@code root}. */
    private static String readingField(StreamReadException e, String root) {
        JsonParser parser = e.getProcessor();
        String field = parser != null && parser.getParsingContext() != null
                ? JsonFields.of(parser.getParsingContext().pathAsPointer()) : "";
        return field.isEmpty() ? root : field;
    }

    /** A failure's first Jackson exception, if any (Funqy wraps them for event data). */
    static JsonProcessingException jsonCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof JsonProcessingException json) {
                return json;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    private static ApiError invalid(String field, String problem) {
        return new ApiError(ErrorKind.INVALID_ARGUMENT, field + ": " + problem, field);
    }

    /** "messages[1].role" from Jackson's path of property names and indexes. */
    private static String path(JsonMappingException e, String root) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? root : path.toString();
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "of the expected type";
        }
        if (type == int.class || type == long.class || type == Integer.class || type == Long.class) {
            return "an integer";
        }
        if (type == double.class || type == float.class || type == Double.class || type == Float.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "an object";
        }
        return "of type " + type.getSimpleName();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }
}
