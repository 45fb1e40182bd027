package io.lightmem.retrieve;

import static io.lightmem.retrieve.QueryPeriod.MONTH;
import static io.lightmem.retrieve.QueryPeriod.pattern;

import io.lightmem.memory.SessionTimes;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The period a question names relative to the time it is asked, as calendar periods in the zone of
 * {@code asked} (docs/retrieval.md, "Relative dates"):
 * <ul>
 * <li>"today", "tonight", "this morning": the day asked; "yesterday", "the day before yesterday";
 *     "last night": from noon yesterday until noon of the day asked;</li>
 * <li>"this week / month / year": the calendar week (Monday to Sunday), month or year of the day asked;
 *     "last week / month / year" and "N days / weeks / months / years ago" ("a week ago", "two months
 *     ago", "3 days ago"): the calendar day, week, month or year that holds the day that far back, so
 *     "last week" is the Monday-to-Sunday week before this one, the same as "a week ago";</li>
 * <li>"last weekend": Saturday and Sunday of last week; "last Friday": the latest Friday before the day asked;</li>
 * <li>"in / over / during the past (or last) [N] days / weeks / months / years": from the start of the
 *     day that far back until the end of the day asked;</li>
 * <li>a month without a year after in, during, of, since, until, before, after, early, late or mid
 *     ("in May"): the latest such month that began by the day asked; "last May": the latest May
 *     before this month; a day without a year after on, since, until, before, after, from, between,
 *     and or by ("on Aug 15th", "on the 3rd of June"): the latest such day up to the day asked.</li>
 * </ul>
 * A count is digits or a word from one to twelve, or "a"/"an": "a few", "several" or "how many days
 * ago" are no count and name no period. "last" after an article or possessive ("the last time",
 * "my last year") or before "of" ("last week of June") names no period ("in the last week" is the past
 * week, above). Future periods ("next week", "this weekend", "tomorrow") are left out: memories are
 * said before they are asked for.
 */
final class RelativePeriod {

    private static final String COUNT = "(?<count>\\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten"
            + "|eleven|twelve)";
    private static final String UNIT = "(?<unit>day|week|month|year)s?";
    /** "last day" and "this day" are no days of the calendar: yesterday and today have their words. */
    private static final String CALENDAR_UNIT = "(?<unit>week|month|year)";
    private static final Map<String, Integer> COUNT_WORDS = Map.ofEntries(Map.entry("a", 1), Map.entry("an", 1),
            Map.entry("one", 1), Map.entry("two", 2), Map.entry("three", 3), Map.entry("four", 4),
            Map.entry("five", 5), Map.entry("six", 6), Map.entry("seven", 7), Map.entry("eight", 8),
            Map.entry("nine", 9), Map.entry("ten", 10), Map.entry("eleven", 11), Map.entry("twelve", 12));
    /** "last" as the previous period, not "the last week of June" nor "my last year at school". */
    private static final String LAST = "(?<!\\b(?:the|my|his|her|their|our|your|its|a|that|this|whose)\\s{1,3})"
            + "\\blast\\s+";
    private static final String NOT_OF = "\\b(?!\\s+of\\b)";
    private static final String WEEKDAY = "(?<weekday>monday|tuesday|wednesday|thursday|friday|saturday|sunday)";
    private static final String DAY = "(?<day>\\d{1,2})(?:st|nd|rd|th)?";
    /** Not a year, time or another number after it: "May 3, 2023" is QueryPeriod's, "May 3:30" nothing. */
    private static final String NO_YEAR = "(?![\\d:'’]|\\s*,?\\s*\\d)";
    private static final String DAY_PREPOSITION = "\\b(?:on|since|until|till|before|after|from|between|and|by)\\s+"
            + "(?:the\\s+)?";
    private static final int YEARS_SEARCHED_FOR_A_DAY = 8; // February 29 recurs within 8 years

    /** A pattern and how a match of it reads as a span, given the day asked. */
    private record Form(Pattern pattern, BiFunction<Matcher, LocalDate, Optional<Span>> reading) {
    }

    /** [from, to) in local times of the zone. */
    private record Span(LocalDateTime from, LocalDateTime to) {

        Span(LocalDate first, LocalDate next) {
            this(first.atStartOfDay(), next.atStartOfDay());
        }
    }

    /** Compiled once: the patterns do not depend on the day asked, only their readings do. */
    private static final List<Form> FORMS = List.of(
            new Form(pattern("\\bthe\\s+day\\s+before\\s+yesterday\\b"), (m, today) -> day(today.minusDays(2))),
            new Form(pattern("\\byesterday\\b"), (m, today) -> day(today.minusDays(1))),
            new Form(pattern(LAST + "night\\b"), (m, today) -> Optional.of(
                    new Span(today.minusDays(1).atTime(LocalTime.NOON), today.atTime(LocalTime.NOON)))),
            new Form(pattern("\\b(?:today|tonight|this\\s+(?:morning|afternoon|evening))\\b"), (m, today) -> day(today)),
            new Form(pattern("\\b(?:in|over|during|within|for|throughout)\\s+the\\s+(?:last|past)\\s+(?:"
                    + COUNT + "\\s+)?" + UNIT + NOT_OF), (m, today) -> {
                        ChronoUnit unit = unit(m);
                        return Optional.of(new Span(today.minus(count(m, 1), unit), today.plusDays(1)));
                    }),
            new Form(pattern("\\b" + COUNT + "\\s+" + UNIT + "\\s+ago\\b"),
                    (m, today) -> holding(today.minus(count(m, 1), unit(m)), unit(m))),
            new Form(pattern(LAST + "weekend\\b"), (m, today) -> {
                LocalDate saturday = today.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).minusDays(2);
                return Optional.of(new Span(saturday, saturday.plusDays(2)));
            }),
            new Form(pattern(LAST + CALENDAR_UNIT + NOT_OF),
                    (m, today) -> holding(today.minus(1, unit(m)), unit(m))),
            new Form(pattern("\\bthis\\s+" + CALENDAR_UNIT + NOT_OF), (m, today) -> holding(today, unit(m))),
            new Form(pattern(LAST + WEEKDAY + "\\b"), (m, today) -> day(today.with(TemporalAdjusters.previous(
                    DayOfWeek.valueOf(m.group("weekday").toUpperCase(Locale.ROOT)))))),
            new Form(pattern(LAST + MONTH + "(?![\\w'’])" + NO_YEAR), (m, today) -> {
                LocalDate month = today.withDayOfMonth(1).minusMonths(1);
                return monthNotAfter(month, QueryPeriod.month(m));
            }),
            new Form(pattern(DAY_PREPOSITION + MONTH + "\\s+" + DAY + "\\b" + NO_YEAR),
                    (m, today) -> dayNotAfter(today, QueryPeriod.month(m), Integer.parseInt(m.group("day")))),
            new Form(pattern(DAY_PREPOSITION + DAY + "\\s+(?:of\\s+)?" + MONTH + "(?![\\w'’])" + NO_YEAR),
                    (m, today) -> dayNotAfter(today, QueryPeriod.month(m), Integer.parseInt(m.group("day")))),
            new Form(pattern("(?:\\b(?:in|during|throughout|since|until|till|before|after|of|early|late)\\s+"
                    + "|\\bmid-?\\s*)" + MONTH + "(?![\\w'’-])" + NO_YEAR),
                    (m, today) -> monthNotAfter(today.withDayOfMonth(1), QueryPeriod.month(m))));

    private RelativePeriod() {
    }

    /** The period {@code question} names relative to {@code asked}; empty when it names none. */
    static Optional<QueryPeriod> find(String question, ZonedDateTime asked) {
        LocalDate today = asked.toLocalDate();
        ZoneId zone = asked.getZone();
        BitSet taken = new BitSet(question.length());
        List<QueryPeriod> found = new ArrayList<>();
        for (Form form : FORMS) {
            QueryPeriod.scan(question, form.pattern(), taken,
                    m -> form.reading().apply(m, today).flatMap(span -> inRange(span, zone)), found);
        }
        return QueryPeriod.span(found);
    }

    private static Optional<Span> day(LocalDate day) {
        return Optional.of(new Span(day, day.plusDays(1)));
    }

    /** The calendar day, week (Monday to Sunday), month or year that holds {@code day}. */
    private static Optional<Span> holding(LocalDate day, ChronoUnit unit) {
        LocalDate first = switch (unit) {
            case DAYS -> day;
            case WEEKS -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case MONTHS -> day.withDayOfMonth(1);
            default -> day.withDayOfYear(1);
        };
        return Optional.of(new Span(first, first.plus(1, unit)));
    }

    /** The latest month {@code month} (1–12) that begins on or before {@code latestStart}, a first of a month. */
    private static Optional<Span> monthNotAfter(LocalDate latestStart, int month) {
        LocalDate first = latestStart.minusMonths(Math.floorMod(latestStart.getMonthValue() - month, 12));
        return Optional.of(new Span(first, first.plusMonths(1)));
    }

    /** The latest {@code month}/{@code day} on or before {@code today}; none when no year has it (April 31). */
    private static Optional<Span> dayNotAfter(LocalDate today, int month, int day) {
        for (int back = 0; back <= YEARS_SEARCHED_FOR_A_DAY; back++) {
            try {
                LocalDate date = LocalDate.of(today.getYear() - back, month, day);
                if (!date.isAfter(today)) {
                    return day(date);
                }
            } catch (DateTimeException e) {
                // not a day of that year (February 29) or of any (April 31): try the year before
            }
        }
        return Optional.empty();
    }

    private static ChronoUnit unit(Matcher m) {
        return switch (m.group("unit").toLowerCase(Locale.ROOT)) {
            case "day" -> ChronoUnit.DAYS;
            case "week" -> ChronoUnit.WEEKS;
            case "month" -> ChronoUnit.MONTHS;
            default -> ChronoUnit.YEARS;
        };
    }

    private static long count(Matcher m, long absent) {
        String count = m.group("count");
        if (count == null) {
            return absent;
        }
        String word = count.toLowerCase(Locale.ROOT);
        return COUNT_WORDS.containsKey(word) ? COUNT_WORDS.get(word) : Long.parseLong(word);
    }

    /** The span as instants, unless it reaches outside the years times may fall in (a question asked in year 1). */
    private static Optional<QueryPeriod> inRange(Span span, ZoneId zone) {
        if (span.from().getYear() < 1 || span.to().getYear() > 9999) {
            return Optional.empty();
        }
        QueryPeriod period = new QueryPeriod(span.from().atZone(zone).toInstant(), span.to().atZone(zone).toInstant());
        return period.from().isBefore(SessionTimes.EARLIEST) || period.to().isAfter(SessionTimes.LATEST)
                ? Optional.empty() : Optional.of(period);
    }
}
