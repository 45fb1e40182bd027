package io.lightmem.memory;

import io.lightmem.InvalidArgumentException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.TextStyle;
import java.time.temporal.TemporalAccessor;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two time formats LightMem accepts, and the one it prints. Times without a zone are UTC;
 * memories are printed in UTC.
 */
public final class SessionTimes {

    /** "2023/05/20 (Sat) 00:44", also with '-' separators, without the weekday, with seconds. */
    private static final Pattern SESSION_FORM = Pattern.compile(
            "(\\d{4})[/-](\\d{1,2})[/-](\\d{1,2})\\s*(?:\\(([A-Za-z]{3})\\))?\\s+(\\d{1,2}):(\\d{2})(?::(\\d{2}))?");

    /** The years a time may fall in: 1 to 9999, as protobuf Timestamps and PostgreSQL print them. */
    public static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");
    /** The longest time text read: "2024-01-15T10:30:00.123456789+05:30" is 35 characters. */
    public static final int MAX_TEXT_CHARS = 64;

    private static final DateTimeFormatter PRINTED = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS")
            .withZone(ZoneOffset.UTC);

    private SessionTimes() {
    }

    /** A parsed time with the weekday the caller wrote, if any. */
    public record Parsed(Instant instant, Optional<String> statedWeekday) {
    }

    /**
     * Parses either accepted form.
     *
     * @throws InvalidArgumentException naming {@code field} when the text is neither, or out of range
     */
    public static Parsed require(String field, String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidArgumentException(field, "required");
        }
        InputText.check(field, text, MAX_TEXT_CHARS);
        Parsed parsed = parse(text).orElseThrow(() -> new InvalidArgumentException(field, "'" + text
                + "' is neither ISO-8601 (2024-01-15T10:30:00) nor the session form (2023/05/20 (Sat) 00:44)"));
        requireInRange(field, parsed.instant());
        return parsed;
    }

    /** @throws InvalidArgumentException naming {@code field} when the instant is outside the years 1 to 9999 */
    public static Instant requireInRange(String field, Instant instant) {
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw new InvalidArgumentException(field, "must fall in the years 1 to 9999, got " + instant);
        }
        return instant;
    }

    /** Parses either accepted form; empty when the text is neither (the range is not checked). */
    public static Optional<Parsed> parse(String text) {
        String value = text.strip();
        Matcher session = SESSION_FORM.matcher(value);
        if (session.matches()) {
            try {
                LocalDateTime local = LocalDateTime.of(Integer.parseInt(session.group(1)),
                        Integer.parseInt(session.group(2)), Integer.parseInt(session.group(3)),
                        Integer.parseInt(session.group(5)), Integer.parseInt(session.group(6)),
                        session.group(7) == null ? 0 : Integer.parseInt(session.group(7)));
                return Optional.of(new Parsed(local.toInstant(ZoneOffset.UTC),
                        Optional.ofNullable(session.group(4)).map(SessionTimes::canonicalWeekday)));
            } catch (java.time.DateTimeException e) {
                return Optional.empty();
            }
        }
        try {
            TemporalAccessor parsed = DateTimeFormatter.ISO_DATE_TIME.parseBest(value, ZonedDateTime::from,
                    LocalDateTime::from);
            Instant instant = parsed instanceof ZonedDateTime zoned
                    ? zoned.toInstant()
                    : ((LocalDateTime) parsed).toInstant(ZoneOffset.UTC);
            return Optional.of(new Parsed(instant, Optional.empty()));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** "2024-01-15T10:30:00.000", UTC. */
    public static String format(Instant instant) {
        return PRINTED.format(instant);
    }

    /** "Mon" … "Sun" of the instant's UTC date. */
    public static String weekday(Instant instant) {
        return shortName(instant.atZone(ZoneOffset.UTC).getDayOfWeek());
    }

    private static String shortName(DayOfWeek day) {
        return day.getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
    }

    private static String canonicalWeekday(String stated) {
        return stated.substring(0, 1).toUpperCase(Locale.ROOT) + stated.substring(1).toLowerCase(Locale.ROOT);
    }
}
