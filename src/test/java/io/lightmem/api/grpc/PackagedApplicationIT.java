package io.lightmem.api.grpc;

import static io.lightmem.testing.Conversations.add;
import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.Conversations.user;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.lightmem.v1.MemoryServiceGrpc;
import io.lightmem.v1.RetrieveRequest;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar, started as a user starts it (production profile, gRPC on 9000), serves the
 * quick start and reports ready. Catches what only the packaging can break, such as class loading.
 */
@QuarkusIntegrationTest
class PackagedApplicationIT {

    @Test
    void servesTheQuickStartOverGrpcAndIsReady() throws InterruptedException {
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));

        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", 9000).usePlaintext().build();
        try {
            var memory = MemoryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
            String userId = newUser();
            memory.addMemory(add(userId, user("My favorite color is blue.", "2024-01-15T10:30:00")));

            assertThat(memory.retrieve(RetrieveRequest.newBuilder().setUserId(userId)
                    .setQuery("What is the user's favorite color?").build()).getFormattedList())
                    .containsExactly("2024-01-15T10:30:00.000 Mon My favorite color is blue.");
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
