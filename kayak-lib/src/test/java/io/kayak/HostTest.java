package io.kayak;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Hosts in one JVM over an in-process network: the API's behaviour independent of the transport. */
class HostTest {
    private final LocalNetwork network = new LocalNetwork();
    private final List<Host> hosts = new ArrayList<>();

    @AfterEach
    void stopAll() {
        hosts.forEach(Host::close);
    }

    private HostOptions options(String id) {
        String address = "local:" + id;
        return HostOptions.builder().id(id).listen(address).build();
    }

    private Host seed(String id) {
        Host h = network.start(options(id));
        hosts.add(h);
        return h;
    }

    private Host join(String id, String... peers) {
        Host h = network.join(options(id), List.of(peers));
        hosts.add(h);
        return h;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aSeedLeadsAtOnceAndCommitsAppends() throws Exception {
        Host seed = seed("a");
        await().atMost(Duration.ofSeconds(2)).until(() -> seed.leader().isPresent());
        Entry e = seed.log().append(bytes("hello")).get(5, TimeUnit.SECONDS);
        assertThat(e.kind()).isEqualTo(EntryKind.NORMAL);
        assertThat(e.payload()).isEqualTo(bytes("hello"));
        assertThat(seed.log().committed()).isGreaterThanOrEqualTo(e.index());
    }

    @Test
    void anAppendCompletesOnlyOnceTheLogCountsItCommitted() throws Exception {
        // An application acts on a completed append at once (compacts up to it, reads the log up to it): the log's
        // commit index must already cover the entry when its future completes, on every member's dispatch thread.
        Host seed = seed("a");
        await().until(() -> seed.leader().isPresent());
        join("b", "local:a");
        join("c", "local:a");
        await().atMost(Duration.ofSeconds(10)).until(() -> seed.roster().stream().allMatch(Member::voter)
                && seed.roster().size() == 3);
        List<Long> behind = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int round = 0; round < 100; round++) {
            List<CompletableFuture<Entry>> writes = new ArrayList<>();
            for (Host h : hosts) {
                for (int i = 0; i < 5; i++) {
                    writes.add(h.log().append(bytes("w" + i)).whenComplete((e, error) -> {
                        if (e != null && h.log().committed() < e.index()) {
                            behind.add(e.index());
                        }
                    }));
                }
            }
            for (CompletableFuture<Entry> w : writes) {
                w.get(5, TimeUnit.SECONDS);
            }
        }
        assertThat(behind).isEmpty();
    }

    @Test
    void membersJoinThroughFollowersAndBecomeVoters() {
        Host a = seed("a");
        await().until(() -> a.leader().isPresent());
        Host b = join("b", "local:a");
        Host c = join("c", "local:b");
        await().atMost(Duration.ofSeconds(10)).until(() -> a.roster().stream().allMatch(Member::voter)
                && a.roster().size() == 3);
        assertThat(c.roster()).extracting(Member::id).contains("a", "b", "c");
        assertThat(b.leader()).map(Member::id).contains("a");
    }

    @Test
    void appendsFromEveryMemberReachEveryListenerInOneOrder() throws Exception {
        Host a = seed("a");
        await().until(() -> a.leader().isPresent());
        Host b = join("b", "local:a");
        Host c = join("c", "local:a");
        await().atMost(Duration.ofSeconds(10)).until(() -> a.roster().stream().filter(Member::voter).count() == 3);
        List<Host> all = List.of(a, b, c);
        List<CompletableFuture<Entry>> futures = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            futures.add(all.get(i % 3).log().append(bytes("v" + i)));
        }
        CompletableFuture.allOf(futures.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);
        long last = futures.stream().mapToLong(f -> f.join().index()).max().orElseThrow();
        List<List<String>> seen = new ArrayList<>();
        for (Host h : all) {
            List<String> payloads = new ArrayList<>();
            try (Listener l = h.log().listen(1, 64)) {
                long expected = 1;
                while (expected <= last) {
                    Entry e = l.poll(Duration.ofSeconds(10));
                    assertThat(e).as("entry %d on %s", expected, h.id()).isNotNull();
                    assertThat(e.index()).isEqualTo(expected++);
                    if (e.kind() == EntryKind.NORMAL) {
                        payloads.add(new String(e.payload(), StandardCharsets.UTF_8));
                    } else {
                        assertThat(e.payload()).isEmpty();
                    }
                }
            }
            seen.add(payloads);
        }
        assertThat(seen.get(0)).hasSize(3000).doesNotHaveDuplicates();
        assertThat(seen.get(1)).isEqualTo(seen.get(0));
        assertThat(seen.get(2)).isEqualTo(seen.get(0));
    }

    @Test
    void aLinearizableReadAfterAWriteSeesItOnEveryMember() throws Exception {
        Host a = seed("a");
        await().until(() -> a.leader().isPresent());
        Host b = join("b", "local:a");
        Host c = join("c", "local:b");
        await().atMost(Duration.ofSeconds(10)).until(() -> a.roster().stream().filter(Member::voter).count() == 3);
        Entry written = c.log().append(bytes("x")).get(5, TimeUnit.SECONDS);
        for (Host h : List.of(a, b, c)) {
            long barrier = h.sync().barrier().get(5, TimeUnit.SECONDS);
            assertThat(barrier).isGreaterThanOrEqualTo(written.index());
            // The application acknowledges what it applied; sync completes once it reaches the barrier.
            CompletableFuture<Void> synced = h.sync().sync(barrier);
            assertThat(synced).isNotDone();
            h.sync().ack(h.log().committed());
            await().until(() -> h.log().committed() >= barrier);
            h.sync().ack(barrier);
            synced.get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void losingTheLeaderElectsAnotherAndKeepsCommittedEntries() throws Exception {
        Host a = seed("a");
        await().until(() -> a.leader().isPresent());
        Host b = join("b", "local:a");
        Host c = join("c", "local:a");
        await().atMost(Duration.ofSeconds(10)).until(() -> a.roster().stream().filter(Member::voter).count() == 3);
        Entry before = a.log().append(bytes("before")).get(5, TimeUnit.SECONDS);
        a.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> b.leader().filter(m -> !m.id().equals("a")).isPresent());
        Entry after = b.log().append(bytes("after")).get(10, TimeUnit.SECONDS);
        assertThat(after.index()).isGreaterThan(before.index());
        try (Listener l = c.log().listen(before.index(), 8)) {
            assertThat(l.next().payload()).isEqualTo(bytes("before"));
        }
    }

    @Test
    void appendsBeyondThePendingLimitFailFast() {
        String address = "local:solo";
        Host h = network.start(HostOptions.builder().id("solo").listen(address).maxPendingAppends(1).build());
        hosts.add(h);
        network.isolate(address); // irrelevant for one member, but keeps the first append waiting on nothing
        List<CompletableFuture<Entry>> burst = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            burst.add(h.log().append(bytes("x")));
        }
        assertThat(burst).anySatisfy(f -> assertThatThrownBy(f::join).hasCauseInstanceOf(OverloadedException.class));
    }

    @Test
    void metricsCountCommitsSyncsAndLeaders() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        String address = "local:m";
        Host h = network.start(HostOptions.builder().id("m").listen(address).meterRegistry(registry).build());
        hosts.add(h);
        for (int i = 0; i < 10; i++) {
            h.log().append(bytes("m" + i)).get(5, TimeUnit.SECONDS);
        }
        assertThat(registry.get("kayak.commits").tag("member", "m").counter().count()).isGreaterThanOrEqualTo(10);
        assertThat(registry.get("kayak.commit.latency").timer().count()).isEqualTo(10);
        assertThat(registry.get("kayak.fsync.latency").timer().count()).isPositive();
        assertThat(registry.get("kayak.leader.changes").counter().count()).isEqualTo(1);
        assertThat(registry.get("kayak.term").gauge().value()).isGreaterThanOrEqualTo(2);
        await().until(() -> registry.get("kayak.appends.pending").gauge().value() == 0);
    }

    @Test
    void listeningBelowTheFirstIndexIsOutOfBounds() {
        Host a = seed("a");
        assertThatThrownBy(() -> a.log().listen(0, 1)).isInstanceOf(OutOfBoundsException.class);
    }
}
