package io.lightmem.observe;

import static io.lightmem.testing.Conversations.add;
import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.Conversations.user;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.lightmem.v1.RetrieveRequest;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** What a platform team scrapes and probes: /q/metrics after traffic, /q/health/ready. */
@QuarkusTest
class ObservabilityTest {

    @GrpcClient("lightmem")
    MemoryServiceBlockingStub memory;

    @Test
    void metricsNameAddsRetrievesAndTheBacklogAfterTraffic() {
        String userId = newUser();
        memory.addMemory(add(userId, user("I play chess on Sundays.", "2024-03-03T10:00:00")));
        memory.retrieve(RetrieveRequest.newBuilder().setUserId(userId).setQuery("chess").build());

        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("lightmem_add_seconds_count"))
                .body(containsString("lightmem_add_seconds_bucket"))
                .body(containsString("lightmem_retrieve_seconds_count{strategy=\"hybrid\"}"))
                .body(containsString("lightmem_message_log_pending"))
                .body(containsString("lightmem_compression_failures"));
    }

    @Test
    void readinessChecksSchemaAndModel() {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("lightmem"))
                .body("checks.find { it.name == 'lightmem' }.data.'schema.embedding.dims'", equalTo(384));
    }
}
