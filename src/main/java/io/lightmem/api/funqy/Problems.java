package io.lightmem.api.funqy;

import io.lightmem.ErrorKind;
import io.lightmem.api.ApiError;

/**
 * The problem bodies of the functions. Types are URNs (urn:lightmem:problem:...), stable identifiers
 * documented in the README, not pages to fetch.
 */
public final class Problems {

    private static final String TYPE_PREFIX = "urn:lightmem:problem:";

    private Problems() {
    }

    /** The HTTP status of a kind of failure; the README's error table documents the choice. */
    public static int status(ErrorKind kind) {
        return switch (kind) {
            case INVALID_ARGUMENT -> 400;
            case NOT_FOUND -> 404;
            // 409 Conflict: the state of the resource, not the request, is the problem (412 is for
            // conditional request headers, which these calls do not use).
            case FAILED_PRECONDITION -> 409;
            // 429 rather than 409: clients and Knative retry 429 with backoff, and this is worth retrying.
            case BUSY -> 429;
            case UNAVAILABLE -> 503;
            case UNAUTHENTICATED -> 401;
            case PERMISSION_DENIED -> 403;
            case RESOURCE_EXHAUSTED -> 429;
            case INTERNAL -> 500;
        };
    }

    public static Problem of(ApiError error, String operation) {
        return new Problem(TYPE_PREFIX + error.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'), title(error.kind()),
                status(error.kind()), error.message(), operation, error.field(), error.kind().name(), null, null, null);
    }

    static Problem noSuchFunction(String path) {
        return new Problem(TYPE_PREFIX + "no-such-function", "No such function", 404,
                "no function at '" + path + "'; POST to /<Function>, e.g. /AddMemory", null, null, null, null, null,
                null);
    }

    static Problem methodNotAllowed(String method, String operation) {
        return new Problem(TYPE_PREFIX + "method-not-allowed", "Method not allowed", 405,
                method + " is not supported; functions are called with POST", operation, null, null, null, null, null);
    }

    public static Problem unsupportedMediaType(String contentType, String operation) {
        return new Problem(TYPE_PREFIX + "unsupported-media-type", "Unsupported media type", 415,
                "Content-Type must be application/json (or a CloudEvent: application/cloudevents+json, or "
                        + "binary mode with ce-* headers), got " + (contentType == null ? "none" : "'" + contentType + "'"),
                operation, null, null, null, null, null);
    }

    /** A status Funqy chose that none of the above explains. */
    static Problem other(int status, String operation) {
        return new Problem("about:blank", io.netty.handler.codec.http.HttpResponseStatus.valueOf(status).reasonPhrase(),
                status, null, operation, null, null, null, null, null);
    }

    private static String title(ErrorKind kind) {
        return switch (kind) {
            case INVALID_ARGUMENT -> "Invalid argument";
            case NOT_FOUND -> "Not found";
            case FAILED_PRECONDITION -> "Failed precondition";
            case BUSY -> "Busy, retry later";
            case UNAVAILABLE -> "Unavailable, retry later";
            case UNAUTHENTICATED -> "Unauthenticated";
            case PERMISSION_DENIED -> "Permission denied";
            case RESOURCE_EXHAUSTED -> "Rate limit exceeded, retry later";
            case INTERNAL -> "Internal error";
        };
    }
}
