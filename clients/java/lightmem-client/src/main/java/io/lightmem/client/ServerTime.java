package io.lightmem.client;

import java.time.Instant;

/**
 * The service's clock.
 *
 * @param formatted now as memories carry it ("2024-01-15T10:30:00.000", UTC)
 * @param weekday "Mon" … "Sun"
 */
public record ServerTime(String formatted, String weekday, Instant now) {
}
