package io.lightmem.retrieve;

import static io.lightmem.retrieve.QueryPeriodTest.days;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which period a question names relative to the time it is asked: here Tuesday, May 30, 2023, 23:40
 * (UTC), as LongMemEval's question dates give it. Weeks run Monday to Sunday.
 */
class RelativePeriodTest {

    private static final ZoneId UTC = ZoneOffset.UTC;
    private static final Instant ASKED = Instant.parse("2023-05-30T23:40:00Z");

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            What did I eat today?                          | 2023-05-30 | 2023-05-31
            What am I cooking tonight?                     | 2023-05-30 | 2023-05-31
            Who did I call this morning?                   | 2023-05-30 | 2023-05-31
            What did I buy yesterday?                      | 2023-05-29 | 2023-05-30
            What did I buy the day before yesterday?       | 2023-05-28 | 2023-05-29
            What did I cook 3 days ago?                    | 2023-05-27 | 2023-05-28
            What did I cook one day ago?                   | 2023-05-29 | 2023-05-30
            Which book did I finish last week?             | 2023-05-22 | 2023-05-29
            Which book did I finish a week ago?            | 2023-05-22 | 2023-05-29
            What did I plant two weeks ago?                | 2023-05-15 | 2023-05-22
            What have I done this week?                    | 2023-05-29 | 2023-06-05
            How many hours did I watch last month?         | 2023-04-01 | 2023-05-01
            Which museum did I visit two months ago?       | 2023-03-01 | 2023-04-01
            What did I spend this month?                   | 2023-05-01 | 2023-06-01
            Where did we go camping last year?             | 2022-01-01 | 2023-01-01
            Where did I move from 4 years ago?             | 2019-01-01 | 2020-01-01
            What have I read this year?                    | 2023-01-01 | 2024-01-01
            Where did I volunteer last weekend?            | 2023-05-27 | 2023-05-29
            What did I do last Friday?                     | 2023-05-26 | 2023-05-27
            What did I do last Tuesday?                    | 2023-05-23 | 2023-05-24
            Where did I go last April?                     | 2023-04-01 | 2023-05-01
            Where did I go last May?                       | 2022-05-01 | 2022-06-01
            How many appointments did I have in May?       | 2023-05-01 | 2023-06-01
            When did Melanie go camping in June?           | 2022-06-01 | 2022-07-01
            What kind of deal did John get in December?    | 2022-12-01 | 2023-01-01
            What did I do in mid-July?                     | 2022-07-01 | 2022-08-01
            What did I do at the end of March?             | 2023-03-01 | 2023-04-01
            Which country was Tim visiting in the second week of November? | 2022-11-01 | 2022-12-01
            What did they give him when they met on Aug 15th? | 2022-08-15 | 2022-08-16
            What did I buy on May 30?                      | 2023-05-30 | 2023-05-31
            What did I buy on May 31?                      | 2022-05-31 | 2022-06-01
            What did I buy on the 3rd of June?             | 2022-06-03 | 2022-06-04
            What did I buy on 3 June?                      | 2022-06-03 | 2022-06-04
            What did I buy on Feb 29?                      | 2020-02-29 | 2020-03-01
            How many times did I bake in the past two weeks? | 2023-05-16 | 2023-05-31
            What did I read in the last week?              | 2023-05-23 | 2023-05-31
            What did I learn over the past 3 months?       | 2023-02-28 | 2023-05-31
            What did I learn during the past year?         | 2022-05-30 | 2023-05-31
            What happened in the last week of June?        | 2022-06-01 | 2022-07-01
            """)
    void aRelativeTimeIsTheCalendarPeriodItNamesAsSeenWhenAsked(String question, String first, String next) {
        assertThat(QueryPeriod.find(question, UTC, ASKED)).contains(days(first, next));
    }

    @Test
    void lastNightRunsFromNoonYesterdayToNoonOfTheDayAsked() {
        assertThat(QueryPeriod.find("What did we watch last night?", UTC, ASKED)).contains(new QueryPeriod(
                Instant.parse("2023-05-29T12:00:00Z"), Instant.parse("2023-05-30T12:00:00Z")));
    }

    @Test
    void theDaysAreThoseOfTheDefaultZoneAtTheTimeAsked() {
        // 23:40 UTC on Tuesday is 08:40 on Wednesday in Tokyo: "yesterday" is Tokyo's Tuesday.
        assertThat(QueryPeriod.find("What did I buy yesterday?", ZoneId.of("Asia/Tokyo"), ASKED)).contains(
                new QueryPeriod(Instant.parse("2023-05-29T15:00:00Z"), Instant.parse("2023-05-30T15:00:00Z")));
    }

    @Test
    void severalRelativeTimesGiveTheRangeFromTheFirstToTheEndOfTheLast() {
        assertThat(QueryPeriod.find("What changed between last May and yesterday?", UTC, ASKED))
                .contains(days("2022-05-01", "2023-05-30"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "When was the last time I saw my sister?",
            "Who ate the last of the cookies?",
            "May I ask what I painted?",
            "March on: what did she mean?",
            "How many days ago did I attend a networking event?",
            "How many months ago did I book the Airbnb?",
            "How long ago was Caroline's 18th birthday?",
            "What did I do a few weeks ago?",
            "What did I do several days ago?",
            "What did Joanna work on in the last few months?",
            "What did I do in my last year of college?",
            "What was his last week at the company like?",
            "When was the last day of school for the semester?",
            "What am I doing next week?",
            "Any tips for rearranging my bedroom this weekend?",
            "What did I eat at last?",
            "What did I give to April's daughter?",
            "Who did I march with?",
            "What have I learned over the years?",
            "What did I tell June about the trip?",
            "What did she say about the May 2 people?",
            "On May 3:30 pm what happened?"})
    void wordsThatAreNoRelativeTimeNameNone(String question) {
        assertThat(QueryPeriod.find(question, UTC, ASKED)).isEmpty();
    }

    @Test
    void aDayNoYearHasIsNone() {
        assertThat(QueryPeriod.find("What did I buy on April 31?", UTC, ASKED)).isEmpty();
    }

    @Test
    void aPeriodOutsideTheYearsTimesFallInIsNone() {
        Instant firstDay = Instant.parse("0001-01-01T10:00:00Z");
        Instant lastDay = Instant.parse("9999-12-31T10:00:00Z");

        assertThat(QueryPeriod.find("What did I do last year?", UTC, firstDay)).isEmpty();
        assertThat(QueryPeriod.find("What did I do yesterday?", UTC, firstDay)).isEmpty();
        assertThat(QueryPeriod.find("What did I do today?", UTC, lastDay)).isEmpty();
        assertThat(QueryPeriod.find("What did I do yesterday?", UTC, lastDay)).isPresent();
    }
}
