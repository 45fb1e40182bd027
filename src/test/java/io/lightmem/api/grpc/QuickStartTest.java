package io.lightmem.api.grpc;

import static io.lightmem.testing.Conversations.add;
import static io.lightmem.testing.Conversations.assistant;
import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.Conversations.user;
import static org.assertj.core.api.Assertions.assertThat;

import io.lightmem.v1.AddMemoryResponse;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.lightmem.v1.RetrieveRequest;
import io.lightmem.v1.RetrieveResponse;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** The README's quick start, with the default `none` memory manager: messages become memories verbatim. */
@QuarkusTest
class QuickStartTest {

    @GrpcClient("lightmem")
    MemoryServiceBlockingStub memory;

    @Test
    void addedMessageIsRetrievedFirstAndFormattedAsTheSpecSays() {
        String userId = newUser();
        AddMemoryResponse added = memory.addMemory(add(userId,
                user("My favorite color is blue.", "2024-01-15T10:30:00"),
                assistant("Blue is a great color!", "2024-01-15T10:30:00"),
                user("I work as a nurse at a hospital in Boston.", "2024-01-16T09:00:00"),
                assistant("That sounds demanding.", "2024-01-16T09:00:00"),
                user("My dog Rex loves long walks on the beach.", "2024-01-17T18:45:00")));

        assertThat(added.getMessageIdsCount()).isEqualTo(5);
        assertThat(added.getLlmCalls()).isZero();
        assertThat(added.getPendingMessages()).isZero();
        // messages_use=user_only: the three user messages are stored, the assistant's are not.
        assertThat(added.getEntriesList()).extracting(e -> e.getMemory()).containsExactly(
                "My favorite color is blue.",
                "I work as a nurse at a hospital in Boston.",
                "My dog Rex loves long walks on the beach.");

        RetrieveResponse found = memory.retrieve(RetrieveRequest.newBuilder()
                .setUserId(userId).setQuery("What is the user's favorite color?").setLimit(3).build());

        assertThat(found.getFormattedList()).hasSize(3);
        assertThat(found.getFormatted(0)).isEqualTo("2024-01-15T10:30:00.000 Mon My favorite color is blue.");
        assertThat(found.getMemories(0).getScore()).isGreaterThan(found.getMemories(1).getScore());
        assertThat(found.getMemories(0).getEntry().getHitTime()).isEqualTo(1);
    }

    @Test
    void retrievingCountsHits() {
        String userId = newUser();
        memory.addMemory(add(userId, user("I am allergic to peanuts.", "2024-03-01T12:00:00")));
        RetrieveRequest query = RetrieveRequest.newBuilder().setUserId(userId).setQuery("allergies").build();

        memory.retrieve(query);
        RetrieveResponse second = memory.retrieve(query);

        assertThat(second.getMemories(0).getEntry().getHitTime()).isEqualTo(2);
    }

    @Test
    void messagesSharingOneSessionTimeKeepTheirOrder() {
        String userId = newUser();
        AddMemoryResponse added = memory.addMemory(add(userId,
                user("First thing I said.", "2023/05/20 (Sat) 00:44"),
                user("Second thing I said.", "2023/05/20 (Sat) 00:44"),
                user("Third thing I said.", "2023/05/20 (Sat) 00:44")));

        assertThat(added.getEntriesList()).extracting(e -> e.getFormatted()).containsExactly(
                "2023-05-20T00:44:00.000 Sat First thing I said.",
                "2023-05-20T00:44:00.500 Sat Second thing I said.",
                "2023-05-20T00:44:01.000 Sat Third thing I said.");
    }
}
