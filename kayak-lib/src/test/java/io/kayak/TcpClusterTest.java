package io.kayak;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Several hosts in one JVM over real loopback TCP, each with its own data directory. */
class TcpClusterTest {
    @TempDir
    Path dir;
    private final List<Host> hosts = new ArrayList<>();
    private final Map<String, String> addresses = new HashMap<>();

    @AfterEach
    void stopAll() {
        hosts.forEach(Host::close);
    }

    /** Port 0 the first time; a restart gets the port its first run bound, the address its peers know. */
    private String listen(String id) {
        return addresses.getOrDefault(id, "127.0.0.1:0");
    }

    private HostOptions options(String id) {
        // A longer election timeout than the default: the tests share two cores with whole builds.
        return HostOptions.builder().id(id).listen(listen(id)).dataDir(dir.resolve(id))
                .electionTimeout(Duration.ofSeconds(1)).build();
    }

    private Host start(String id) {
        return track(Kayak.start(options(id)));
    }

    private Host join(String id, String via) {
        return track(Kayak.join(options(id), List.of(addresses.get(via))));
    }

    private Host track(Host h) {
        hosts.add(h);
        addresses.putIfAbsent(h.id(), h.address());
        return h;
    }

    private static List<String> voters(Host h) {
        return h.roster().stream().filter(Member::voter).map(Member::id).sorted().collect(Collectors.toList());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private List<Host> cluster(int size) {
        Host first = start("m1");
        await().atMost(Duration.ofSeconds(5)).until(() -> first.leader().isPresent());
        for (int i = 2; i <= size; i++) {
            // Each newcomer asks the member that joined before it: a follower, not the leader.
            join("m" + i, "m" + (i - 1));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> voters(first).size() == size);
        return new ArrayList<>(hosts);
    }

    @Test
    void aSingleSeedLeadsWellUnderASecond() {
        long start = System.nanoTime();
        Host h = start("solo");
        await().atMost(Duration.ofSeconds(2)).until(() -> h.leader().isPresent());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void clustersOfThreeAndFiveGrowThroughFollowers() {
        List<Host> five = cluster(5);
        for (Host h : five) {
            await().atMost(Duration.ofSeconds(10)).until(() -> voters(h).size() == 5);
        }
    }

    @Test
    void tenThousandConcurrentAppendsReachEveryListenerInOneOrder() throws Exception {
        List<Host> three = cluster(3);
        List<CompletableFuture<Entry>> futures = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            futures.add(three.get(i % 3).log().append(bytes("v" + i)));
        }
        CompletableFuture.allOf(futures.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
        long last = futures.stream().mapToLong(f -> f.join().index()).max().orElseThrow();
        List<List<String>> seen = new ArrayList<>();
        for (Host h : three) {
            seen.add(payloadsUpTo(h, last));
        }
        assertThat(seen.get(0)).hasSize(10_000).doesNotHaveDuplicates();
        assertThat(seen.get(1)).isEqualTo(seen.get(0));
        assertThat(seen.get(2)).isEqualTo(seen.get(0));
    }

    private static List<String> payloadsUpTo(Host h, long last) throws InterruptedException {
        List<String> payloads = new ArrayList<>();
        try (Listener l = h.log().listen(1, 256)) {
            for (long expected = 1; expected <= last; expected++) {
                Entry e = l.poll(Duration.ofSeconds(20));
                assertThat(e).as("entry %d on %s", expected, h.id()).isNotNull();
                assertThat(e.index()).isEqualTo(expected);
                if (e.kind() == EntryKind.NORMAL) {
                    payloads.add(new String(e.payload(), StandardCharsets.UTF_8));
                }
            }
        }
        return payloads;
    }

    @Test
    void crashingTheLeaderElectsAnotherWithoutLosingCommittedEntries() throws Exception {
        List<Host> three = cluster(3);
        Host leader = three.stream().filter(h -> h.leader().map(m -> m.id().equals(h.id())).orElse(false))
                .findFirst().orElseThrow();
        List<Entry> committed = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            committed.add(leader.log().append(bytes("c" + i)).get(10, TimeUnit.SECONDS));
        }
        leader.close(); // a stop, not a leave: it stays in the configuration, like a crash
        List<Host> rest = new ArrayList<>(three);
        rest.remove(leader);
        await().atMost(Duration.ofSeconds(10)).until(() -> rest.get(0).leader()
                .filter(m -> !m.id().equals(leader.id())).isPresent());
        Entry after = rest.get(1).log().append(bytes("after")).get(10, TimeUnit.SECONDS);
        List<String> payloads = payloadsUpTo(rest.get(0), after.index());
        for (int i = 0; i < 100; i++) {
            assertThat(payloads).contains("c" + i);
        }
    }

    @Test
    void aWholeClusterRestartRecoversEveryCommittedEntry() throws Exception {
        List<Host> three = cluster(3);
        long last = 0;
        for (int i = 0; i < 500; i++) {
            last = three.get(i % 3).log().append(bytes("r" + i)).get(10, TimeUnit.SECONDS).index();
        }
        List<String> before = payloadsUpTo(three.get(0), last);
        for (Host h : three) {
            h.close();
        }
        hosts.clear();
        List<Host> again = new ArrayList<>();
        for (String id : List.of("m1", "m2", "m3")) {
            // The same command line as the first start: a stored member resumes, it never seeds a new cluster.
            again.add(start(id));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> again.get(0).leader().isPresent());
        assertThat(voters(again.get(2))).containsExactly("m1", "m2", "m3");
        long recovered = last;
        for (Host h : again) {
            await().atMost(Duration.ofSeconds(10)).until(() -> h.log().committed() >= recovered);
            assertThat(payloadsUpTo(h, recovered)).isEqualTo(before);
        }
    }

    @Test
    void aReadThroughSyncAfterAWriteSeesItOnEveryMember() throws Exception {
        List<Host> three = cluster(3);
        Entry written = three.get(2).log().append(bytes("x")).get(10, TimeUnit.SECONDS);
        for (Host h : three) {
            // A barrier refused for lack of a leader (an election under load) is safe to retry, as documented.
            await().atMost(Duration.ofSeconds(20)).ignoreException(java.util.concurrent.ExecutionException.class)
                    .untilAsserted(() -> assertThat(h.sync().barrier().get(5, TimeUnit.SECONDS))
                            .isGreaterThanOrEqualTo(written.index()));
        }
    }

    @Test
    void seedingOnTheDataOfAnotherMemberIsRefused() {
        Host a = start("m1");
        a.close();
        hosts.clear();
        HostOptions other = HostOptions.builder().id("someone-else").listen(listen("m1"))
                .dataDir(dir.resolve("m1")).build();
        assertThatThrownBy(() -> hosts.add(Kayak.start(other))).isInstanceOf(KayakException.class)
                .hasMessageContaining("m1");
    }
}
