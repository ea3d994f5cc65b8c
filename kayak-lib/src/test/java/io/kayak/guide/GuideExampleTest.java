package io.kayak.guide;

import io.kayak.ClosedException;
import io.kayak.Entry;
import io.kayak.Host;
import io.kayak.HostOptions;
import io.kayak.LocalNetwork;
import io.kayak.Member;
import io.kayak.MemberRemovedException;
import io.kayak.OverloadedException;
import io.kayak.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Runs the guide's code ({@link ReplicatedMap}, {@link GuideCluster}) the way {@code docs/guide.md} describes it:
 * three members in this JVM on an in-process network with real data directories, and once over TCP.
 */
class GuideExampleTest {
    private static final long WAIT = 30;

    private final LocalNetwork network = new LocalNetwork();
    /** Maps and hosts, closed in the reverse order they were opened (a map before its host). */
    private final Deque<AutoCloseable> open = new ArrayDeque<>();
    @TempDir
    Path dir;

    @AfterEach
    void closeAll() throws Exception {
        while (!open.isEmpty()) {
            open.pop().close();
        }
    }

    private <T extends AutoCloseable> T track(T closeable) {
        open.push(closeable);
        return closeable;
    }

    /**
     * Small log segments: compaction gives back whole segment files only, so with the default 64 MiB nothing a test
     * writes would ever be compacted away.
     */
    private HostOptions.Builder builder(String id) {
        return HostOptions.builder().id(id).listen("local:" + id).dataDir(dir.resolve(id)).segmentCapacity(4096);
    }

    private List<Host> threeMembers(HostOptions.Builder a, HostOptions.Builder b, HostOptions.Builder c) {
        Host first = track(network.start(a.build()));
        Host second = track(network.join(b.build(), List.of(first.address())));
        Host third = track(network.join(c.build(), List.of(first.address(), second.address())));
        List<Host> hosts = List.of(first, second, third);
        await().atMost(Duration.ofSeconds(WAIT)).until(() -> voters(first).size() == 3
                && hosts.stream().allMatch(h -> h.leader().isPresent()));
        return hosts;
    }

    private List<Host> threeMembers() {
        return threeMembers(builder("a"), builder("b"), builder("c"));
    }

    private static List<String> voters(Host h) {
        return h.roster().stream().filter(Member::voter).map(Member::id).sorted().collect(Collectors.toList());
    }

    private static Host follower(List<Host> hosts) {
        return hosts.stream().filter(h -> h.status().role() == Role.FOLLOWER).findFirst().orElseThrow();
    }

    private static <T> T done(CompletableFuture<T> f) throws Exception {
        return f.get(WAIT, TimeUnit.SECONDS);
    }

    @Test
    void putsFromAnyMemberAreReadLinearizablyOnEveryMember() throws Exception {
        List<Host> hosts = threeMembers();
        ReplicatedMap a = track(new ReplicatedMap(hosts.get(0)));
        ReplicatedMap b = track(new ReplicatedMap(hosts.get(1)));
        ReplicatedMap c = track(new ReplicatedMap(hosts.get(2)));

        done(b.put("colour", "blue"));
        assertThat(done(c.get("colour"))).isEqualTo("blue");
        done(c.put("colour", "green"));
        assertThat(done(a.get("colour"))).isEqualTo("green");
        assertThat(done(b.get("colour"))).isEqualTo("green");
        done(a.put("size", "L"));
        assertThat(done(c.get("size"))).isEqualTo("L");
        assertThat(done(b.get("missing"))).isNull();
    }

    @Test
    void putAndWaitMakesTheWriteVisibleToLocalReadsOnTheWritingMember() throws Exception {
        List<Host> hosts = threeMembers();
        List<ReplicatedMap> maps = new ArrayList<>();
        for (Host h : hosts) {
            maps.add(track(new ReplicatedMap(h)));
        }
        // A follower's map: it lags the leader's, which is where read-your-write needs the wait.
        ReplicatedMap onFollower = maps.get(hosts.indexOf(follower(hosts)));
        for (int i = 0; i < 20; i++) {
            done(onFollower.putAndWait("counter", Integer.toString(i)));
            assertThat(onFollower.getLocal("counter")).isEqualTo(Integer.toString(i));
        }
    }

    @Test
    void aRestartedMemberRebuildsFromTheSnapshotOfWhatItMissed() throws Exception {
        List<Host> hosts = threeMembers();
        Host a = hosts.get(0);
        Host b = hosts.get(1);
        Host c = hosts.get(2);
        ReplicatedMap ma = track(new ReplicatedMap(a));
        ReplicatedMap mb = track(new ReplicatedMap(b));
        ReplicatedMap mc = new ReplicatedMap(c);
        done(mc.put("before", "c left"));
        done(mc.get("before"));

        long cHead = c.log().head();
        mc.close();
        c.close(); // stops c, which stays a member: the others keep it in their configuration
        assertThat(c.status().role()).isEqualTo(Role.STOPPED);
        assertThat(voters(a)).containsExactly("a", "b", "c");

        List<CompletableFuture<Entry>> writes = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            writes.add((i % 2 == 0 ? ma : mb).put("missed-" + i, "v" + i));
        }
        done(CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)));
        // Both a and b compact, so whichever leads can no longer send c the entries it missed: only a snapshot.
        long until = ma.compactNow();
        mb.compactNow();
        assertThat(until).isGreaterThan(cHead);
        assertThat(a.log().compacted()).isGreaterThan(cHead);
        assertThat(b.log().compacted()).isGreaterThan(cHead);

        Host c2 = track(network.start(builder("c").build())); // start, not join: it resumes from its data directory
        ReplicatedMap mc2 = track(new ReplicatedMap(c2));
        assertThat(done(mc2.get("missed-0"))).isEqualTo("v0");
        for (int i = 0; i < 200; i++) {
            assertThat(mc2.getLocal("missed-" + i)).isEqualTo("v" + i);
        }
        assertThat(mc2.getLocal("before")).isEqualTo("c left");
        // c2 holds a snapshot it never took itself: the leader's, covering what it missed.
        assertThat(c2.status().snapshotIndex()).isGreaterThan(cHead);
        assertThat(c2.log().compacted()).isGreaterThan(cHead);

        done(mc2.put("back", "yes"));
        assertThat(done(ma.get("back"))).isEqualTo("yes");
        assertThat(GuideCluster.describe(c2)).startsWith("c FOLLOWER term ");
    }

    @Test
    void theSnapshotProviderLetsKayakCompactByItselfAndARestartRebuildsFromIt() throws Exception {
        HostOptions options = builder("a").compactAfterEntries(50).compactTrailingEntries(0).build();
        Host a = network.start(options);
        ReplicatedMap map = new ReplicatedMap(a);
        // Which indices the snapshots land on depends on when the compaction thread runs, and the log drops only
        // whole segments: write until a compaction has dropped one (bounded), rather than a fixed number of times.
        int written = 0;
        while (written < 150 || !(a.log().snapshotIndex() > 0 && a.log().compacted() > 0)) {
            assertThat(written).as("writes before a compaction dropped a segment").isLessThan(20_000);
            done(map.put("k" + written, "v" + written));
            written++;
        }
        map.close();
        a.close();

        Host again = track(network.start(options));
        ReplicatedMap rebuilt = track(new ReplicatedMap(again));
        int last = written - 1;
        assertThat(done(rebuilt.get("k" + last))).isEqualTo("v" + last);
        assertThat(rebuilt.size()).isEqualTo(written);
        for (int i = 0; i < written; i++) {
            assertThat(rebuilt.getLocal("k" + i)).isEqualTo("v" + i);
        }
    }

    @Test
    void putRetryingRetriesAnOverloadedMemberButPutDoesNot() throws Exception {
        HostOptions.Builder[] builders = {builder("a"), builder("b"), builder("c")};
        for (HostOptions.Builder b : builders) {
            b.maxPendingAppends(2);
        }
        List<Host> hosts = threeMembers(builders[0], builders[1], builders[2]);
        Host leader = hosts.stream().filter(h -> h.status().role() == Role.LEADER).findFirst().orElseThrow();
        ReplicatedMap map = track(new ReplicatedMap(leader));
        // Cut the leader's followers off: its appends cannot commit, so two of them fill its pending limit.
        List<Host> followers = hosts.stream().filter(h -> h != leader).collect(Collectors.toList());
        followers.forEach(h -> network.isolate(h.address()));
        map.put("pending", "1");
        map.put("pending", "2");
        assertThatThrownBy(() -> done(map.put("refused", "x"))).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(OverloadedException.class);

        CompletableFuture<Entry> retrying = map.putRetrying("retried", "y", 1_000);
        followers.forEach(h -> network.heal(h.address()));
        assertThat(done(retrying).index()).isPositive();
        assertThat(done(map.get("retried"))).isEqualTo("y");
        assertThat(map.getLocal("refused")).isNull();
    }

    @Test
    void leaveRemovesTheMemberForGoodAndEndsItsMap() throws Exception {
        List<Host> hosts = threeMembers();
        Host a = hosts.get(0);
        Host c = hosts.get(2);
        ReplicatedMap ma = track(new ReplicatedMap(a));
        ReplicatedMap mc = new ReplicatedMap(c);
        done(mc.put("k", "v"));

        done(c.leave());
        assertThat(voters(a)).containsExactly("a", "b");
        assertThatThrownBy(() -> done(mc.put("k", "w"))).hasCauseInstanceOf(ClosedException.class);
        mc.close(); // its applier has already ended with the host; closing it again is harmless
        assertThatThrownBy(() -> network.start(builder("c").build())).isInstanceOf(MemberRemovedException.class);
        assertThat(done(ma.get("k"))).isEqualTo("v");
    }

    @Test
    void theGuidesTcpMembersStartOnPortZeroAndResumeAfterARestart() throws Exception {
        List<Host> hosts = new ArrayList<>(GuideCluster.startThree(dir));
        hosts.forEach(this::track);
        assertThat(hosts).extracting(Host::address).allMatch(address -> address.matches("127\\.0\\.0\\.1:[1-9][0-9]*"))
                .doesNotHaveDuplicates();
        await().atMost(Duration.ofSeconds(WAIT)).until(() -> voters(hosts.get(0)).size() == 3);
        ReplicatedMap ma = track(new ReplicatedMap(hosts.get(0)));
        ReplicatedMap mb = new ReplicatedMap(hosts.get(1));
        done(mb.put("over", "tcp"));
        assertThat(done(ma.get("over"))).isEqualTo("tcp");

        mb.close();
        Host b2 = track(GuideCluster.restart(hosts.get(1), dir));
        assertThat(b2.id()).isEqualTo("b");
        assertThat(b2.address()).isEqualTo(hosts.get(1).address());
        ReplicatedMap mb2 = track(new ReplicatedMap(b2));
        assertThat(done(mb2.get("over"))).isEqualTo("tcp");
        done(mb2.put("after", "restart"));
        assertThat(done(ma.get("after"))).isEqualTo("restart");
    }
}
