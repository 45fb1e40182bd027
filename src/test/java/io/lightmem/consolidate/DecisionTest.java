package io.lightmem.consolidate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lightmem.llm.JsonAnswers.MalformedAnswerException;
import org.junit.jupiter.api.Test;

class DecisionTest {

    @Test
    void readsTheThreeActions() throws Exception {
        assertThat(Decision.parse("{\"action\": \"update\", \"new_memory\": \" User likes cappuccino. \"}"))
                .isEqualTo(new Decision(Decision.Action.update, "User likes cappuccino."));
        assertThat(Decision.parse("{\"action\": \"delete\", \"new_memory\": \"\"}"))
                .isEqualTo(new Decision(Decision.Action.delete, null));
        assertThat(Decision.parse("```json\n{\"action\": \"IGNORE\"}\n```"))
                .isEqualTo(new Decision(Decision.Action.ignore, null));
    }

    @Test
    void rejectsWhatCannotBeAppliedSafely() {
        assertMalformed("{\"action\": \"merge\", \"new_memory\": \"x\"}", "got \"merge\"");
        assertMalformed("{\"new_memory\": \"x\"}", "\"action\" must be one of");
        assertMalformed("{\"action\": \"update\"}", "must be the merged statement");
        assertMalformed("{\"action\": \"update\", \"new_memory\": \"   \"}", "must be the merged statement");
        assertMalformed("{\"action\": \"ignore\", \"new_memory\": 42}", "\"new_memory\" must be a string");
        assertMalformed("[\"update\"]", "not a JSON object");
        assertMalformed("update it", "not JSON");
    }

    private static void assertMalformed(String answer, String problem) {
        assertThatThrownBy(() -> Decision.parse(answer)).isInstanceOf(MalformedAnswerException.class)
                .hasMessageContaining(problem);
    }
}
