package io.lightmem.testing;

import javax.sql.DataSource;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The service's database, for tests that check what was (or was not) written: connected from the
 * datasource configuration (QUARKUS_DATASOURCE_* from deploy/local/postgres.sh env), not injected, so
 * that a test runs unchanged against a started artifact ({@code @QuarkusIntegrationTest}).
 */
public final class TestDatabase {

    private TestDatabase() {
    }

    public static DataSource dataSource() {
        Config config = ConfigProvider.getConfig();
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(config.getValue("quarkus.datasource.jdbc.url", String.class));
        dataSource.setUser(config.getValue("quarkus.datasource.username", String.class));
        config.getOptionalValue("quarkus.datasource.password", String.class).ifPresent(dataSource::setPassword);
        return dataSource;
    }
}
