package io.lightmem.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lightmem.InvalidArgumentException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Records who did what to a tenant's keys and data (created and revoked keys, erased memories, users
 * and tenants) and reads it back for the tenant's administrators.
 */
@ApplicationScoped
public class AuditLog {

    static final int DEFAULT_PAGE_SIZE = 100;
    static final int MAX_PAGE_SIZE = 1000;
    private static final Logger LOG = Logger.getLogger(AuditLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One page, newest first, and the token of the next (null after the last). */
    public record Page(List<AuditEntry> entries, String nextPageToken) {
    }

    private final AuditLogRepository repository;

    public AuditLog(AuditLogRepository repository) {
        this.repository = repository;
    }

    /** The details as a JSON object. */
    public static String json(Map<String, Object> details) {
        try {
            return JSON.writeValueAsString(details);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("audit details must be plain values", e);
        }
    }

    public void record(String tenantId, String actor, String action, String target, Map<String, Object> details) {
        repository.append(tenantId, actor, action, target, details);
        LOG.infof("audit: %s %s in tenant %s%s %s", actor, action, tenantId, target == null ? "" : " on " + target,
                details);
    }

    /**
     * @param pageSize 0 for the default
     * @param pageToken empty for the newest entries, else the token of the previous page
     */
    public Page list(String tenantId, int pageSize, String pageToken) {
        if (pageSize < 0 || pageSize > MAX_PAGE_SIZE) {
            throw new InvalidArgumentException("page_size", "must be between 1 and " + MAX_PAGE_SIZE
                    + " (0 for the default, " + DEFAULT_PAGE_SIZE + "), got " + pageSize);
        }
        int size = pageSize == 0 ? DEFAULT_PAGE_SIZE : pageSize;
        long before = Long.MAX_VALUE;
        if (pageToken != null && !pageToken.isEmpty()) {
            try {
                before = Long.parseLong(pageToken);
            } catch (NumberFormatException e) {
                throw new InvalidArgumentException("page_token", "is not a token this service returned");
            }
        }
        List<AuditEntry> rows = repository.page(tenantId, before, size + 1);
        if (rows.size() <= size) {
            return new Page(rows, null);
        }
        List<AuditEntry> page = rows.subList(0, size);
        return new Page(page, Long.toString(page.get(size - 1).id()));
    }
}
