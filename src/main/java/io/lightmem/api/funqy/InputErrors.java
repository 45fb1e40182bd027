package io.lightmem.api.funqy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.lightmem.ErrorKind;
import io.lightmem.api.ApiError;
import java.util.Collection;
import java.util.Map;

/** Describes a body (or event data) that could not be read as the function's request, naming the field. */
final class InputErrors {

    private InputErrors() {
    }

    /**
     * @param root what the whole input is called: "body" for plain HTTP, "data" for a CloudEvent
     */
    static ApiError describe(JsonProcessingException e, String root) {
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
            return invalid(field, "must be " + describe(mismatch.getTargetType()));
        }
        return invalid(field, firstLine(e.getOriginalMessage()));
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
