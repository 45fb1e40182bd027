package io.lightmem.api.grpc;

import static io.lightmem.testing.Conversations.add;
import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.Conversations.user;
import static org.assertj.core.api.Assertions.assertThat;

import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.lightmem.v1.RetrieveRequest;
import io.lightmem.v1.RetrieveResponse;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
class TenantIsolationTest {

    @GrpcClient("lightmem")
    MemoryServiceBlockingStub memory;

    @Test
    void memoriesOfOneUserNeverAppearForAnother() {
        String alice = newUser();
        String bob = newUser();
        memory.addMemory(add(alice, user("My bank PIN hint is the name of my first cat, Mittens.", "2024-02-01T08:00:00")));
        memory.addMemory(add(bob, user("I am learning to play the cello.", "2024-02-01T08:00:00")));

        RetrieveResponse bobsView = memory.retrieve(RetrieveRequest.newBuilder()
                .setUserId(bob).setQuery("What is the bank PIN hint? first cat Mittens").setLimit(100).build());
        RetrieveResponse alicesView = memory.retrieve(RetrieveRequest.newBuilder()
                .setUserId(alice).setQuery("What is the bank PIN hint? first cat Mittens").setLimit(100).build());

        assertThat(bobsView.getMemoriesList()).extracting(m -> m.getEntry().getUserId()).containsOnly(bob);
        assertThat(bobsView.getFormattedList()).noneMatch(line -> line.contains("Mittens"));
        assertThat(alicesView.getFormattedList()).hasSize(1).allMatch(line -> line.contains("Mittens"));
    }

    @Test
    void aUserWithoutMemoriesGetsAnEmptyResult() {
        RetrieveResponse nothing = memory.retrieve(RetrieveRequest.newBuilder()
                .setUserId(newUser()).setQuery("anything at all").build());

        assertThat(nothing.getMemoriesList()).isEmpty();
    }
}
