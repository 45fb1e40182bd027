package io.lightmem.observe;

import io.lightmem.compress.Compressor;
import io.lightmem.config.RoleConfig;
import io.lightmem.store.MessageLogRepository;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/** Gauges read at each scrape: the extraction backlog and the pre-compression failures. */
@ApplicationScoped
public class ServiceGauges {

    private static final Logger LOG = Logger.getLogger(ServiceGauges.class);

    void register(@Observes StartupEvent started, MeterRegistry registry, MessageLogRepository messageLog,
            Compressor compressor, RoleConfig config) {
        Gauge.builder("lightmem.compression.failures", compressor, Compressor::failures)
                .description("Messages whose pre-compression failed and were kept unchanged, since start")
                .register(registry);
        if (!config.role().servesMemory()) {
            return; // role models: no message log
        }
        Gauge.builder("lightmem.message.log.pending", messageLog, log -> {
            try {
                return log.countAllPending();
            } catch (RuntimeException e) {
                // A scrape while the database is down must not fail the whole endpoint.
                LOG.debug("pending-message gauge unavailable", e);
                return Double.NaN;
            }
        }).description("Messages waiting in the message log for extraction, all users").register(registry);
    }
}
