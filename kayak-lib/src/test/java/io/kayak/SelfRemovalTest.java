package io.kayak;

import io.kayak.core.Configuration;
import io.kayak.core.HardState;
import io.kayak.core.IndexedConfiguration;
import io.kayak.core.LogStore;
import io.kayak.core.MemoryLogStore;
import io.kayak.runtime.RaftHost;
import io.kayak.runtime.StoredMember;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A leader that removes itself steps down the moment the configuration without it commits, and that configuration
 * needs no acknowledgement from the leader. When the leader's own disk is slow, the configuration commits before it
 * is durable there, so the leader learns it lost leadership before it can apply the entry: the removal must still be
 * answered as done. (Answered "outcome unknown", the chaos harness kept the removed member running and waited for it
 * to catch up with a log it no longer receives.)
 */
class SelfRemovalTest {
    private final LocalNetwork network = new LocalNetwork();
    private final List<Host> hosts = new ArrayList<>();
    private final GatedStore slowDisk = new GatedStore();

    @AfterEach
    void stopAll() {
        slowDisk.open();
        hosts.forEach(Host::close);
    }

    private HostOptions options(String id) {
        String address = "local:" + id;
        return HostOptions.builder().id(id).listen(address)
                .promotionDelay(Duration.ofMillis(50)).build();
    }

    @Test
    void aSelfRemovalThatCommitsBeforeTheLeadersOwnSyncIsAnsweredAsDone() throws Exception {
        HostOptions seedOptions = options("a");
        RaftHost a = RaftHost.open(seedOptions, StoredMember.inMemory("a", slowDisk), network.endpoint("local:a"),
                true);
        hosts.add(a);
        await().atMost(Duration.ofSeconds(5)).until(a::isLeader);
        Host b = network.join(options("b"), List.of("local:a"));
        hosts.add(b);
        Host c = network.join(options("c"), List.of("local:a"));
        hosts.add(c);
        await().atMost(Duration.ofSeconds(10)).until(() -> a.roster().size() == 3
                && a.roster().stream().allMatch(Member::voter) && a.isLeader());

        // From now on nothing the leader writes becomes durable: b and c alone commit both configurations.
        slowDisk.close();
        a.remove("a").get(10, TimeUnit.SECONDS);

        assertThat(a.isLeader()).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> ids(b).equals(List.of("b", "c"))
                && ids(c).equals(List.of("b", "c"))
                && b.leader().map(Member::id).filter(l -> !l.equals("a")).isPresent());
        slowDisk.open();
        Entry e = b.log().append(new byte[] {1}).get(10, TimeUnit.SECONDS);
        assertThat(e.index()).isPositive();
    }

    private static List<String> ids(Host h) {
        return h.roster().stream().map(Member::id).sorted().toList();
    }

    /** A memory store whose syncs wait while the gate is closed: a disk that stalls. */
    private static final class GatedStore implements LogStore {
        private final MemoryLogStore delegate = new MemoryLogStore();
        private volatile CountDownLatch gate = new CountDownLatch(0);

        void close() {
            gate = new CountDownLatch(1);
        }

        void open() {
            gate.countDown();
        }

        @Override
        public void sync() {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            delegate.sync();
        }

        @Override
        public long firstIndex() {
            return delegate.firstIndex();
        }

        @Override
        public long lastIndex() {
            return delegate.lastIndex();
        }

        @Override
        public long term(long index) {
            return delegate.term(index);
        }

        @Override
        public List<io.kayak.core.Entry> entries(long from, long toExclusive, long maxBytes) {
            return delegate.entries(from, toExclusive, maxBytes);
        }

        @Override
        public IndexedConfiguration configurationBefore(long index) {
            return delegate.configurationBefore(index);
        }

        @Override
        public void append(List<io.kayak.core.Entry> entries) {
            delegate.append(entries);
        }

        @Override
        public void saveHardState(HardState state) {
            delegate.saveHardState(state);
        }

        @Override
        public HardState hardState() {
            return delegate.hardState();
        }

        @Override
        public void compact(long upToIndex) {
            delegate.compact(upToIndex);
        }

        @Override
        public void installSnapshot(long index, long term, Configuration configuration) {
            delegate.installSnapshot(index, term, configuration);
        }
    }
}
