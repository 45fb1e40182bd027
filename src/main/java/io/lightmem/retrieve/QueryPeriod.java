package io.lightmem.retrieve;

import io.lightmem.memory.MemoryEntry;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The absolute period a question names: a day ("October 13, 2023", "1 February, 2023", "the 10th of
 * February 2024", "2023-10-13", "14.01.2024"), a month of a year ("July 2023") or a year ("in 2023"),
 * as the time range [from, to). A question naming several gives the range from the first to the end
 * of the last. Used to raise the memories said in that period (docs/retrieval.md, "Dates in the
 * question").
 *
 * <p>A day is the calendar day in the instance's default zone (lightmem.default-time-zone): a question
 * carries no zone, and the default zone is the one the service already gives every time written
 * without one (message times, filter dates), so a question's "October 13" is the same day as a
 * message stamped "2023-10-13 18:00" without an offset. A memory stamped with another offset may sit
 * a few hours across the edge; since the period raises memories rather than filters them, that costs
 * rank at the edges, never results.
 *
 * <p>A question naming no absolute period may name one relative to the time it is asked ("last week",
 * "two months ago", "in May"): {@link RelativePeriod}. A question naming an absolute one is read by it
 * alone: its relative words are then about that date ("last weekend before April 10, 2023"), not
 * about the time of asking.
 *
 * <p>Left out on purpose: slashed dates ("01/10/2024": January 10 in the US, October 1 elsewhere);
 * seasons and weeks ("summer 2021", "the first week of 2024" gives the year).
 * A bare four-digit number is a year only after in, during, of or throughout, and only 1900–2099,
 * the years in which memories are said: "2023's winner" or "2023 steps" are no period.
 */
public record QueryPeriod(Instant from, Instant to) {

    static final String MONTH = "(?<month>january|february|march|april|may|june|july|august|september"
            + "|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\\.?";
    private static final String DAY = "(?<day>\\d{1,2})(?:st|nd|rd|th)?";
    /** A year: four digits not continued by a digit, a possessive or a range ("2023-24"). */
    private static final String YEAR = "(?<year>\\d{4})(?![\\d'’]|[-–/.]\\d)";
    private static final String COMMA = "(?:\\s*,\\s*|\\s+)";

    /** The day forms come first: a day's month and year must not count as a month or year again. */
    private static final List<Pattern> DAYS = List.of(
            pattern("\\b(?<year>\\d{4})[-/](?<month>\\d{1,2})[-/](?<day>\\d{1,2})\\b(?![-/.]\\d)"),
            // Day first with dots, as written where day.month.year is the custom.
            pattern("\\b(?<day>\\d{1,2})\\.(?<month>\\d{1,2})\\.(?<year>\\d{4})\\b(?![.]\\d)"),
            pattern("\\b" + MONTH + "\\s+" + DAY + "\\b" + COMMA + "(?:of\\s+)?" + YEAR),
            pattern("\\b(?:the\\s+)?" + DAY + "\\s+(?:of\\s+)?" + MONTH + COMMA + "(?:of\\s+)?" + YEAR));
    private static final Pattern MONTH_OF_YEAR = pattern("\\b" + MONTH + COMMA + "(?:of\\s+)?" + YEAR);
    private static final Pattern YEAR_ALONE = pattern("\\b(?:in|during|of|throughout)\\s+" + YEAR);

    private static final int FIRST_YEAR = 1900;
    private static final int LAST_YEAR = 2099;

    /** Whether {@code entry} was said within this period. */
    public boolean contains(MemoryEntry entry) {
        return contains(entry.timeStamp().toInstant());
    }

    /** Whether {@code instant} falls within [from, to). */
    public boolean contains(Instant instant) {
        return !instant.isBefore(from) && instant.isBefore(to);
    }

    static Pattern pattern(String regex) {
        return Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    /**
     * The period {@code question} names, its days taken in {@code zone}: the absolute one if it names
     * one, else the one it names relative to {@code asked}, the time it is asked; empty when it names none.
     */
    public static Optional<QueryPeriod> find(String question, ZoneId zone, Instant asked) {
        return absolute(question, zone).or(() -> RelativePeriod.find(question, asked.atZone(zone)));
    }

    /** The absolute period {@code question} names, its days taken in {@code zone}; empty when it names none. */
    public static Optional<QueryPeriod> absolute(String question, ZoneId zone) {
        BitSet taken = new BitSet(question.length());
        List<QueryPeriod> found = new ArrayList<>();
        for (Pattern day : DAYS) {
            scan(question, day, taken, m -> date(m).map(d -> of(d, d.plusDays(1), zone)), found);
        }
        scan(question, MONTH_OF_YEAR, taken, m -> date(m, 1).map(d -> of(d, d.plusMonths(1), zone)), found);
        scan(question, YEAR_ALONE, taken, m -> year(m).map(y -> of(LocalDate.of(y, 1, 1), LocalDate.of(y + 1, 1, 1), zone)),
                found);
        return span(found);
    }

    /** From the first start to the last end; empty for none. */
    static Optional<QueryPeriod> span(List<QueryPeriod> periods) {
        return periods.stream().reduce((a, b) -> new QueryPeriod(a.from.isBefore(b.from) ? a.from : b.from,
                a.to.isAfter(b.to) ? a.to : b.to));
    }

    interface Reading {
        Optional<QueryPeriod> period(Matcher match);
    }

    /**
     * Adds the periods of {@code pattern}'s matches that overlap no earlier match. A match that is no
     * real date ("February 30, 2023") is taken all the same, so its month and year are not read again
     * as a period of their own.
     */
    static void scan(String question, Pattern pattern, BitSet taken, Reading reading, List<QueryPeriod> found) {
        Matcher m = pattern.matcher(question);
        while (m.find()) {
            if (taken.get(m.start(), m.end()).isEmpty()) {
                taken.set(m.start(), m.end());
                reading.period(m).ifPresent(found::add);
            }
        }
    }

    private static QueryPeriod of(LocalDate first, LocalDate next, ZoneId zone) {
        return new QueryPeriod(first.atStartOfDay(zone).toInstant(), next.atStartOfDay(zone).toInstant());
    }

    private static Optional<LocalDate> date(Matcher m) {
        return date(m, Integer.parseInt(m.group("day")));
    }

    private static Optional<LocalDate> date(Matcher m, int day) {
        Optional<Integer> year = year(m);
        if (year.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.of(year.get(), month(m), day));
        } catch (DateTimeException e) {
            return Optional.empty(); // February 30, month 13: not a day
        }
    }

    private static Optional<Integer> year(Matcher m) {
        int year = Integer.parseInt(m.group("year"));
        return year >= FIRST_YEAR && year <= LAST_YEAR ? Optional.of(year) : Optional.empty();
    }

    /** 1–12 for a month's name or abbreviation, its number for a numeric month (0 and 13 are not months). */
    static int month(Matcher m) {
        String month = m.group("month").toLowerCase(Locale.ROOT);
        return Character.isDigit(month.charAt(0)) ? Integer.parseInt(month) : MONTHS.indexOf(month.substring(0, 3)) + 1;
    }

    private static final List<String> MONTHS = List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep",
            "oct", "nov", "dec");
}
