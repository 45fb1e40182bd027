package io.lightmem.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.ContentMetadata;
import dev.langchain4j.rag.query.Metadata;
import dev.langchain4j.rag.query.Query;
import io.lightmem.client.LightMemClient;
import io.lightmem.client.Memory;
import io.lightmem.client.Message;
import io.lightmem.client.testing.SharedService;
import io.lightmem.client.testing.Users;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The retriever's contents are the user's formatted memory lines, best first, with score and id. */
@ExtendWith(SharedService.class)
class LightMemContentRetrieverTest {

    private final LightMemClient memory;

    LightMemContentRetrieverTest(LightMemClient memory) {
        this.memory = memory;
    }

    @Test
    void theChatMemoryIdIsTheUserByDefault() {
        String user = Users.fresh("retriever");
        Memory stored = memory.add(user, List.of(Message.user("I am allergic to peanuts.",
                Instant.parse("2024-03-01T08:00:00Z")))).get(0);
        LightMemContentRetriever retriever = LightMemContentRetriever.builder(memory).build();

        List<Content> contents = retriever.retrieve(Query.from("Which food must I avoid?",
                Metadata.from(UserMessage.from("Which food must I avoid?"), user, List.of())));

        assertThat(contents).singleElement().satisfies(content -> {
            assertThat(content.textSegment().text()).isEqualTo("2024-03-01T08:00:00.000 Fri I am allergic to peanuts.");
            assertThat(content.textSegment().metadata().getString(LightMemContentRetriever.MEMORY_ID))
                    .isEqualTo(stored.id());
            assertThat(content.metadata()).containsEntry(ContentMetadata.EMBEDDING_ID, stored.id())
                    .containsKey(ContentMetadata.SCORE);
        });
    }

    @Test
    void aQueryWithoutAUserGetsNoContent() {
        LightMemContentRetriever retriever = LightMemContentRetriever.builder(memory).build();

        assertThat(retriever.retrieve(Query.from("anything"))).isEmpty();
    }

    @Test
    void thePluggableFunctionChoosesTheUser() {
        String user = Users.fresh("pluggable");
        memory.add(user, List.of(Message.user("I work night shifts.", Instant.parse("2024-03-01T08:00:00Z"))));
        LightMemContentRetriever retriever = LightMemContentRetriever.builder(memory)
                .userId(query -> user)
                .limit(1)
                .build();

        assertThat(retriever.retrieve(Query.from("When do I work?"))).extracting(content -> content.textSegment().text())
                .containsExactly("2024-03-01T08:00:00.000 Fri I work night shifts.");
    }
}
