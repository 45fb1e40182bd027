package io.lightmem.retrieve;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which days, months and years a question names, and the time range each one is. */
class QueryPeriodTest {

    private static final ZoneId UTC = ZoneOffset.UTC;
    private static final Instant ASKED = Instant.parse("2023-05-30T23:40:00Z");

    @ParameterizedTest
    @ValueSource(strings = {
            "What painting did Melanie show to Caroline on October 13, 2023?",
            "What did she paint on Oct 13 2023?",
            "What did she paint on Oct. 13th, 2023?",
            "What did she paint on 13 October, 2023?",
            "What did she paint on 13th October 2023?",
            "What did she paint on the 13th of October 2023?",
            "What did she paint on 13 oct 2023?",
            "What did she paint on 2023-10-13?",
            "What did she paint on 2023/10/13?",
            "What did she paint on 13.10.2023?",
            "Where was the forest picture shared on October 13,2023 taken?"})
    void aDayInEitherOrderOrIsoFormIsThatDay(String question) {
        assertThat(QueryPeriod.absolute(question, UTC)).contains(days("2023-10-13", "2023-10-14"));
    }

    @Test
    void dottedDatesAreDayFirst() {
        assertThat(QueryPeriod.absolute("What did Kevin watch on the night of 10.01.2024?", UTC))
                .contains(days("2024-01-10", "2024-01-11"));
    }

    @Test
    void aMonthOfAYearIsThatMonth() {
        assertThat(QueryPeriod.absolute("What did Mel and her kids paint in July 2023?", UTC))
                .contains(days("2023-07-01", "2023-08-01"));
        assertThat(QueryPeriod.absolute("Which tournament did Nate win in the beginning of November, 2022?", UTC))
                .contains(days("2022-11-01", "2022-12-01"));
        assertThat(QueryPeriod.absolute("What happened in Sept 2023?", UTC)).contains(days("2023-09-01", "2023-10-01"));
        assertThat(QueryPeriod.absolute("What did she do in december of 2023?", UTC))
                .contains(days("2023-12-01", "2024-01-01"));
    }

    @Test
    void aYearAfterInDuringOfOrThroughoutIsThatYear() {
        assertThat(QueryPeriod.absolute("How many times has Melanie gone to the beach in 2023?", UTC))
                .contains(days("2023-01-01", "2024-01-01"));
        assertThat(QueryPeriod.absolute("Which place did Elise visit in the first week of 2024?", UTC))
                .contains(days("2024-01-01", "2025-01-01"));
        assertThat(QueryPeriod.absolute("What did he learn during 1999?", UTC)).contains(days("1999-01-01", "2000-01-01"));
    }

    @Test
    void aDayIsTheCalendarDayOfTheGivenZone() {
        ZoneId tokyo = ZoneId.of("Asia/Tokyo");

        assertThat(QueryPeriod.absolute("What did Elise buy on 7 Jan 2024?", tokyo)).contains(new QueryPeriod(
                Instant.parse("2024-01-06T15:00:00Z"), Instant.parse("2024-01-07T15:00:00Z")));
    }

    @Test
    void severalDatesGiveTheRangeFromTheFirstToTheEndOfTheLast() {
        assertThat(QueryPeriod.absolute("Where was John between August 11, 2023 and August 15 2023?", UTC))
                .contains(days("2023-08-11", "2023-08-16"));
        // A day inside a named year adds nothing to it.
        assertThat(QueryPeriod.absolute("In 2023, what did she say on May 3, 2023?", UTC))
                .contains(days("2023-01-01", "2024-01-01"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "May I ask what Caroline painted?",
            "March on, said Melanie: what did she mean?",
            "Who is 2023's winner?",
            "Did he walk 2023 steps on Monday?",
            "What is 2023 minus 1999?",
            "Did the event in 2023's autumn go well?",
            "What did Joanna say about the 2022-23 season?",
            "What happened in 1850?",
            "How far is 12345 meters?",
            "Where are Kate and Elise planning to celebrate New Year 2025?",
            "What did she paint on 01/10/2024?"})
    void wordsAndNumbersThatAreNoPeriodNameNone(String question) {
        assertThat(QueryPeriod.find(question, UTC, ASKED)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "What did John do in June?",
            "What did John's teammates give him when they met on Aug 15th?",
            "What did they do last year?",
            "What did she do 4 years ago?",
            "What did he eat yesterday?"})
    void relativeTimesAreNoAbsolutePeriodButAPeriodOfTheTimeAsked(String question) {
        assertThat(QueryPeriod.absolute(question, UTC)).isEmpty();
        assertThat(QueryPeriod.find(question, UTC, ASKED)).isPresent();
    }

    @Test
    void anAbsoluteDateOutweighsTheRelativeWordsAroundIt() {
        // "last Friday" is the Friday before January 23, 2022 here, not before the time of asking.
        assertThat(QueryPeriod.find("What did Joanna just finish last Friday on 23 January, 2022?", UTC, ASKED))
                .contains(days("2022-01-23", "2022-01-24"));
        assertThat(QueryPeriod.find("What did Maria do last weekend before April 10, 2023?", UTC, ASKED))
                .contains(days("2023-04-10", "2023-04-11"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "What did she paint on February 30, 2023?",
            "What did she paint on 30 February 2023?",
            "What did she paint on 2023-02-30?",
            "What did she paint on 31.04.2023?",
            "What did she paint on 2023-13-01?"})
    void anImpossibleDateIsNoPeriodNorAreItsMonthAndYear(String question) {
        assertThat(QueryPeriod.absolute(question, UTC)).isEmpty();
    }

    @Test
    void aPeriodHoldsTheMemoriesSaidFromItsStartUntilBeforeItsEnd() {
        QueryPeriod day = days("2023-10-13", "2023-10-14");

        assertThat(day.contains(Instant.parse("2023-10-13T00:00:00Z"))).isTrue();
        assertThat(day.contains(Instant.parse("2023-10-13T23:59:59Z"))).isTrue();
        assertThat(day.contains(Instant.parse("2023-10-14T00:00:00Z"))).isFalse();
        assertThat(day.contains(Instant.parse("2023-10-12T23:59:59Z"))).isFalse();
    }

    /** [first, next) in whole UTC days; shared with RelativePeriodTest. */
    static QueryPeriod days(String first, String next) {
        return new QueryPeriod(LocalDate.parse(first).atStartOfDay(UTC).toInstant(),
                LocalDate.parse(next).atStartOfDay(UTC).toInstant());
    }
}
