package io.lightmem.observe;

import io.lightmem.store.MessageLogRepository;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/** lightmem.message.log.pending: messages of all users waiting for extraction, read at each scrape. */
@ApplicationScoped
public class MessageBacklogGauge {

    private static final Logger LOG = Logger.getLogger(MessageBacklogGauge.class);

    void register(@Observes StartupEvent started, MeterRegistry registry, MessageLogRepository messageLog) {
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
