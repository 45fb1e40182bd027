package io.lightmem.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The service as shipped bounds every wait on PostgreSQL (docs/fault-tolerance.md, "Database
 * timeouts"): without these settings a connection the database stopped answering holds a request,
 * and the readiness probe, for as long as the operating system keeps the socket (minutes to hours).
 * DatabaseFaultsIT shows the mechanism with shorter values; this pins the shipped ones.
 */
class DatabaseTimeoutsConfigTest {

    @Test
    void connectingAStatementTheSocketLocksAndIdleTransactionsAreAllBounded() throws IOException {
        Properties shipped = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/application.properties")) {
            shipped.load(in);
        }
        String jdbc = "quarkus.datasource.jdbc.";
        assertThat(Integer.parseInt(shipped.getProperty(jdbc + "additional-jdbc-properties.connectTimeout", "0")))
                .as("connect timeout, s").isBetween(1, 10);
        int socketTimeout = Integer.parseInt(shipped.getProperty(jdbc + "additional-jdbc-properties.socketTimeout", "0"));
        assertThat(socketTimeout).as("socket timeout, s").isBetween(1, 60);
        String options = shipped.getProperty(jdbc + "additional-jdbc-properties.options", "");
        assertThat(options).contains("statement_timeout=30s", "lock_timeout=10s", "idle_in_transaction_session_timeout=60s",
                "tcp_keepalives_idle=");
        assertThat(socketTimeout).as("the socket waits longer than a statement may run").isGreaterThan(30);
        assertThat(Duration.parse("PT" + shipped.getProperty(jdbc + "acquisition-timeout", "0S")))
                .isPositive().isLessThanOrEqualTo(Duration.ofSeconds(10));
        assertThat(shipped.getProperty(jdbc + "validation-query-timeout")).isNotNull();
        assertThat(shipped.getProperty("quarkus.flyway.migrate-at-start")).as("start without the database").isEqualTo("false");
    }
}
