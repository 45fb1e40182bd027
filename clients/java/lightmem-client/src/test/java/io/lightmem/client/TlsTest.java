package io.lightmem.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.lightmem.client.testing.ServiceProcess;
import io.lightmem.client.testing.Users;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service's gRPC port with TLS (a certificate made here by keytool): the client trusts what it is told to. */
class TlsTest {

    @TempDir
    static Path keys;

    private static Path certificate;
    private static ServiceProcess service;

    @BeforeAll
    static void start() throws Exception {
        Path keyStore = keys.resolve("server.p12");
        certificate = keys.resolve("server.pem");
        String password = "changeit-" + System.nanoTime();
        keytool("-genkeypair", "-alias", "lightmem", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", keyStore.toString(), "-storepass", password);
        keytool("-exportcert", "-rfc", "-alias", "lightmem", "-keystore", keyStore.toString(), "-storepass", password,
                "-file", certificate.toString());
        service = ServiceProcess.start("tls", Map.of(
                "quarkus.grpc.server.plain-text", "false",
                "quarkus.grpc.server.ssl.key-store", keyStore.toString(),
                "quarkus.grpc.server.ssl.key-store-type", "PKCS12",
                "quarkus.grpc.server.ssl.key-store-password", password));
    }

    @AfterAll
    static void stop() throws Exception {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void aClientTrustingTheServicesCertificateTalksTls() {
        String user = Users.fresh("tls");
        try (LightMemClient memory = tlsClient().tls(certificate).build()) {
            memory.add(user, List.of(Message.user("My password manager is offline.", Instant.now())));

            assertThat(memory.retrieve(user, "password manager", 1)).hasSize(1);
        }
    }

    @Test
    void tlsIsTheDefaultAndAnUnknownCertificateIsRefused() {
        try (LightMemClient memory = tlsClient().retryPolicy(RetryPolicy.none()).build()) {
            LightMemException refused = catchThrowableOfType(LightMemException.class, memory::getTimestamp);

            assertThat(refused.code()).isEqualTo(Status.Code.UNAVAILABLE);
        }
    }

    @Test
    void aPlaintextClientCannotTalkToATlsService() {
        try (LightMemClient memory = tlsClient().plaintext().retryPolicy(RetryPolicy.none()).build()) {
            LightMemException refused = catchThrowableOfType(LightMemException.class, memory::getTimestamp);

            assertThat(refused.code()).isEqualTo(Status.Code.UNAVAILABLE);
        }
    }

    private static LightMemClient.Builder tlsClient() {
        return LightMemClient.builder().target("localhost:" + service.grpcPort()).bearerToken(service.apiKey());
    }

    private static void keytool(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin",
                "keytool").toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
    }
}
