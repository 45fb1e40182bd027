package io.lightmem.deploy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse;
import io.fabric8.knative.serving.v1.Service;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Probe;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.quarkus.test.junit.QuarkusTest;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Every probe the rendered manifests declare, sent to the running application: the HTTP ones as GET
 * requests, the gRPC ones as grpc.health.v1 checks. The manifests' ports must be the application's
 * configured ports; the test instance listens on the test ports instead.
 */
@QuarkusTest
class KnativeProbePathsTest {

    @ConfigProperty(name = "quarkus.http.test-port")
    int httpTestPort;

    @ConfigProperty(name = "quarkus.grpc.server.test-port")
    int grpcTestPort;

    record HttpProbe(int port, String path) {
    }

    record GrpcProbe(int port, String service) {
    }

    @Test
    void everyProbeOfTheManifestsIsAnsweredByTheApplication() throws InterruptedException {
        Set<HttpProbe> http = new LinkedHashSet<>();
        Set<GrpcProbe> grpc = new LinkedHashSet<>();
        for (String overlay : KnativeManifestTest.OVERLAYS) {
            for (Service service : Deployment.render(overlay).services()) {
                Container c = Deployment.container(service);
                for (Probe probe : new Probe[] { c.getReadinessProbe(), c.getLivenessProbe() }) {
                    if (probe != null && probe.getHttpGet() != null) {
                        http.add(new HttpProbe(probe.getHttpGet().getPort().getIntVal(), probe.getHttpGet().getPath()));
                    }
                    if (probe != null && probe.getGrpc() != null) {
                        grpc.add(new GrpcProbe(probe.getGrpc().getPort(),
                                probe.getGrpc().getService() == null ? "" : probe.getGrpc().getService()));
                    }
                }
            }
        }
        assertThat(http).extracting(HttpProbe::path).contains("/q/health/ready", "/q/health/live");
        assertThat(grpc).isNotEmpty();
        // The ports the packaged application listens on (a test run listens on the test ports).
        RuntimeProperties properties = RuntimeProperties.load();
        int httpPort = Integer.parseInt(properties.productionValue("quarkus.http.port"));
        int grpcPort = Integer.parseInt(properties.productionValue("quarkus.grpc.server.port"));

        for (HttpProbe probe : http) {
            assertThat(probe.port()).as("%s targets the application's HTTP port", probe).isEqualTo(httpPort);
            int status = given().port(httpTestPort).when().get(probe.path()).then().extract().statusCode();
            assertThat(status).as("GET %s", probe.path()).isEqualTo(200);
        }
        for (GrpcProbe probe : grpc) {
            assertThat(probe.port()).as("%s targets the application's gRPC port", probe).isEqualTo(grpcPort);
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", grpcTestPort).usePlaintext().build();
            try {
                HealthCheckResponse health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .check(HealthCheckRequest.newBuilder().setService(probe.service()).build());
                assertThat(health.getStatus()).as("gRPC health of service '%s'", probe.service())
                        .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aProbePathTheApplicationDoesNotServeWouldFail() {
        int status = given().port(httpTestPort).when().get("/q/health/readiness").then().extract().statusCode();

        assertThat(status).isEqualTo(404);
    }
}
