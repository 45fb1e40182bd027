package io.lightmem.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lightmem.NotFoundException;
import io.lightmem.erase.MemoryEraser;
import io.lightmem.ingest.AddResult;
import io.lightmem.ingest.MemoryIngestor;
import io.lightmem.ingest.MessageInput;
import io.lightmem.memory.MemoryEntry;
import io.lightmem.memory.MemoryFilter;
import io.lightmem.memory.Owner;
import io.lightmem.memory.RetrievalStrategy;
import io.lightmem.memory.Role;
import io.lightmem.retrieve.MemoryLookup;
import io.lightmem.retrieve.MemorySearch;
import io.lightmem.testing.Conversations;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Tenants are namespaces: the same user id in two tenants never meets, in any table, search or lock. */
@QuarkusTest
class TenantNamespacesTest {

    @Inject
    MemoryIngestor ingestor;

    @Inject
    MemorySearch search;

    @Inject
    MemoryLookup lookup;

    @Inject
    MemoryEraser eraser;

    @Inject
    UserLock userLock;

    private final String userId = Conversations.newUser();
    private final Owner inAcme = new Owner("acme-" + UUID.randomUUID().toString().substring(0, 8), userId);
    private final Owner inGlobex = new Owner("globex-" + UUID.randomUUID().toString().substring(0, 8), userId);

    @Test
    void theSameUserIdInTwoTenantsSeesOnlyItsOwnMemories() {
        MemoryEntry acmes = add(inAcme, "The launch code of project Falcon is 4711.").stored().get(0);
        add(inGlobex, "I prefer green tea in the afternoon.");

        for (RetrievalStrategy strategy : RetrievalStrategy.values()) {
            assertThat(search.retrieve(inGlobex, "launch code of project Falcon, or tea in the afternoon?", 100, MemoryFilter.NONE, strategy, 0, null)
                    .memories()).extracting(m -> m.entry().memory()).as(strategy.name())
                    .containsOnly("I prefer green tea in the afternoon.");
        }
        assertThat(lookup.list(inGlobex, 0, "").entries()).extracting(MemoryEntry::memory)
                .containsExactly("I prefer green tea in the afternoon.");
        assertThatThrownBy(() -> lookup.get(inGlobex, acmes.id().toString())).isInstanceOf(NotFoundException.class);
        assertThat(lookup.get(inAcme, acmes.id().toString()).memory()).isEqualTo(acmes.memory());
    }

    @Test
    void erasingAUserErasesItInOneTenantOnly() {
        add(inAcme, "My locker number is 12.");
        add(inGlobex, "My locker number is 34.");

        assertThat(eraser.delete(inAcme, List.of(), true).memories()).isEqualTo(1);

        assertThat(lookup.list(inAcme, 0, "").entries()).isEmpty();
        assertThat(lookup.list(inGlobex, 0, "").entries()).extracting(MemoryEntry::memory)
                .containsExactly("My locker number is 34.");
    }

    @Test
    void aRetriedRequestIdIsPerTenant() {
        AddResult first = ingestor.add(inAcme, "request-1", List.of(message("I live in Porto.")), false, false);
        AddResult other = ingestor.add(inGlobex, "request-1", List.of(message("I live in Lyon.")), false, false);

        assertThat(first.repeatedRequest()).isFalse();
        assertThat(other.repeatedRequest()).isFalse();
        assertThat(other.stored()).extracting(MemoryEntry::memory).containsExactly("I live in Lyon.");
    }

    @Test
    void theUserLockOfOneTenantDoesNotBlockTheSameUserInAnother() throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> userLock.underLock(
                UserLock.Namespace.INGEST, inAcme, Duration.ofSeconds(5), () -> {
                    held.countDown();
                    await(release);
                    return null;
                }));
        try {
            assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
            // Would time out (BusyException) if both owners shared one key.
            assertThat(userLock.underLock(UserLock.Namespace.INGEST, inGlobex, Duration.ofMillis(500), () -> "free"))
                    .isEqualTo("free");
        } finally {
            release.countDown();
            holder.get(10, TimeUnit.SECONDS);
        }
    }

    private AddResult add(Owner owner, String text) {
        return ingestor.add(owner, null, List.of(message(text)), false, false);
    }

    private static MessageInput message(String text) {
        return new MessageInput(Role.user, text, "2024-03-01T10:00:00", null, null);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
