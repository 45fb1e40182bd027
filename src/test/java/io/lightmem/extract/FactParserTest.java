package io.lightmem.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lightmem.extract.FactParser.Fact;
import io.lightmem.extract.JsonAnswers.MalformedAnswerException;
import org.junit.jupiter.api.Test;

class FactParserTest {

    @Test
    void parsesFactsInOrder() throws Exception {
        assertThat(FactParser.parse("""
                {"data": [{"source_id": 2, "fact": " Alice moved to Lisbon. "}, {"source_id": 0, "fact": "Bob cooks."}]}"""))
                .containsExactly(new Fact(2, "Alice moved to Lisbon."), new Fact(0, "Bob cooks."));
    }

    @Test
    void anEmptyListMeansNothingToRemember() throws Exception {
        assertThat(FactParser.parse("{\"data\": []}")).isEmpty();
    }

    @Test
    void toleratesAMarkdownCodeFenceAndExtraFields() throws Exception {
        assertThat(FactParser.parse("```json\n{\"data\": [{\"source_id\": 1, \"fact\": \"x\", \"why\": \"y\"}]}\n```"))
                .containsExactly(new Fact(1, "x"));
    }

    @Test
    void rejectsAnythingElseSayingWhy() {
        assertMalformed("", "the answer is empty");
        assertMalformed("I found two facts.", "the answer is not JSON");
        assertMalformed("[1, 2]", "the answer is not a JSON object");
        assertMalformed("{\"facts\": []}", "\"data\" must be an array");
        assertMalformed("{\"data\": [{\"source_id\": 1.5, \"fact\": \"x\"}]}", "data[0].source_id must be an integer");
        assertMalformed("{\"data\": [{\"source_id\": \"1\", \"fact\": \"x\"}]}", "data[0].source_id must be an integer");
        assertMalformed("{\"data\": [{\"source_id\": 0, \"fact\": \"ok\"}, {\"source_id\": 1, \"fact\": \" \"}]}",
                "data[1].fact must be a non-empty string");
    }

    private static void assertMalformed(String answer, String problem) {
        assertThatThrownBy(() -> FactParser.parse(answer)).isInstanceOf(MalformedAnswerException.class)
                .hasMessageStartingWith(problem);
    }
}
