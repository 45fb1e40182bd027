package io.lightmem.memory;

import io.lightmem.InvalidArgumentException;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.TextStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The time formats LightMem accepts, and the one it prints (docs/design.md, "Messages and normalization"). A time keeps the
 * offset the caller gave: "2024-01-15T01:30:00+09:00" is printed as 2024-01-15T01:30:00.000 Mon,
 * the speaker's Monday, though it is Sunday in UTC. A time without a zone is taken in the
 * deployment's default zone (lightmem.default-time-zone); a date alone is the start of that day.
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

    /** "2024-01-15 10:30:00": ISO-8601 with a space for the 'T', as Python's isoformat(' ') writes it. */
    private static final Pattern SPACE_SEPARATED = Pattern.compile("(\\d{4}-\\d{2}-\\d{2}) (\\d{2}:.*)");

    private static final DateTimeFormatter PRINTED = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS");

    private SessionTimes() {
    }

    /** A parsed time, in the offset the caller gave (or the default zone's), with the weekday the caller wrote, if any. */
    public record Parsed(OffsetDateTime time, Optional<String> statedWeekday) {

        public Instant instant() {
            return time.toInstant();
        }
    }

    /**
     * Parses any accepted form.
     *
     * @param defaultZone the zone of a time or date written without one
     * @throws InvalidArgumentException naming {@code field} when the text is none of them, or out of range
     */
    public static Parsed require(String field, String text, ZoneId defaultZone) {
        if (text == null || text.isBlank()) {
            throw new InvalidArgumentException(field, "required");
        }
        InputText.check(field, text, MAX_TEXT_CHARS);
        Parsed parsed = parse(text, defaultZone).orElseThrow(() -> new InvalidArgumentException(field, "'" + text
                + "' is neither ISO-8601 (2024-01-15T10:30:00, 2024-01-15) nor the session form (2023/05/20 (Sat) 00:44)"));
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

    /**
     * Parses any accepted form; empty when the text is none of them (the range is not checked).
     *
     * @param defaultZone the zone of a time or date written without one
     */
    public static Optional<Parsed> parse(String text, ZoneId defaultZone) {
        String value = text.strip();
        Matcher session = SESSION_FORM.matcher(value);
        if (session.matches()) {
            try {
                LocalDateTime local = LocalDateTime.of(Integer.parseInt(session.group(1)),
                        Integer.parseInt(session.group(2)), Integer.parseInt(session.group(3)),
                        Integer.parseInt(session.group(5)), Integer.parseInt(session.group(6)),
                        session.group(7) == null ? 0 : Integer.parseInt(session.group(7)));
                return Optional.of(new Parsed(inZone(local, defaultZone),
                        Optional.ofNullable(session.group(4)).map(SessionTimes::canonicalWeekday)));
            } catch (java.time.DateTimeException e) {
                return Optional.empty();
            }
        }
        Matcher spaced = SPACE_SEPARATED.matcher(value);
        String iso = spaced.matches() ? spaced.group(1) + "T" + spaced.group(2) : value;
        return dateTime(iso, defaultZone).or(() -> date(iso, defaultZone)).map(time -> new Parsed(time, Optional.empty()));
    }

    private static Optional<OffsetDateTime> dateTime(String value, ZoneId defaultZone) {
        try {
            TemporalAccessor parsed = DateTimeFormatter.ISO_DATE_TIME.parseBest(value, ZonedDateTime::from,
                    LocalDateTime::from);
            return Optional.of(parsed instanceof ZonedDateTime zoned
                    ? zoned.toOffsetDateTime()
                    : inZone((LocalDateTime) parsed, defaultZone));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** "2024-01-15" (or "2024-01-15+09:00"): the start of that day. */
    private static Optional<OffsetDateTime> date(String value, ZoneId defaultZone) {
        try {
            TemporalAccessor parsed = DateTimeFormatter.ISO_DATE.parse(value);
            LocalDate day = LocalDate.from(parsed);
            return Optional.of(parsed.isSupported(ChronoField.OFFSET_SECONDS)
                    ? day.atStartOfDay().atOffset(ZoneOffset.from(parsed))
                    : day.atStartOfDay(defaultZone).toOffsetDateTime());
        } catch (java.time.DateTimeException e) {
            return Optional.empty();
        }
    }

    private static OffsetDateTime inZone(LocalDateTime local, ZoneId zone) {
        return local.atZone(zone).toOffsetDateTime();
    }

    /** "2024-01-15T10:30:00.000": the local time in the time's own offset, as the speaker saw the clock. */
    public static String format(OffsetDateTime time) {
        return PRINTED.format(time);
    }

    /** "Mon" … "Sun" of the time's local date. */
    public static String weekday(OffsetDateTime time) {
        return shortName(time.getDayOfWeek());
    }

    /** Now in {@code zone}, as a time stamp is kept. */
    public static OffsetDateTime now(Clock clock, ZoneId zone) {
        return clock.instant().atZone(zone).toOffsetDateTime();
    }

    private static String shortName(DayOfWeek day) {
        return day.getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
    }

    private static String canonicalWeekday(String stated) {
        return stated.substring(0, 1).toUpperCase(Locale.ROOT) + stated.substring(1).toLowerCase(Locale.ROOT);
    }
}
