package io.kayak;

import io.kayak.runtime.RaftHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Growing, shrinking, replacing and evicting members: hosts over real loopback TCP with data directories. */
class MembershipTest {
    @TempDir
    Path dir;
    private TcpCluster cluster;
    private List<Host> hosts;

    @BeforeEach
    void setUp() {
        cluster = new TcpCluster(dir);
        hosts = cluster.hosts();
    }

    @AfterEach
    void stopAll() {
        cluster.close();
    }

    private Host seed(String id) {
        Host h = cluster.start(id);
        await().until(() -> h.leader().isPresent());
        return h;
    }

    /** Joins through the member called {@code via} (the test names members, the fixture knows addresses). */
    private Host join(String id, String via) {
        return cluster.join(id, via.replace("local:", ""));
    }

    private static List<String> voters(Host h) {
        return TcpCluster.voters(h);
    }

    private static Host leaderAmong(List<Host> hs) {
        return TcpCluster.leaderAmong(hs);
    }

    @Test
    void growsFromOneToFiveThroughFollowersWhileAppending() throws Exception {
        Host a = seed("a");
        List<CompletableFuture<Entry>> writes = new ArrayList<>();
        writes.add(a.log().append("w0".getBytes(StandardCharsets.UTF_8)));
        String[] ids = {"b", "c", "d", "e"};
        String previous = "a";
        for (String id : ids) {
            join(id, "local:" + previous); // each newcomer asks the member that joined just before it
            previous = id;
            writes.add(a.log().append(id.getBytes(StandardCharsets.UTF_8)));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> voters(a).size() == 5);
        for (CompletableFuture<Entry> w : writes) {
            w.get(10, TimeUnit.SECONDS);
        }
        for (Host h : hosts) {
            await().atMost(Duration.ofSeconds(10)).until(() -> voters(h).equals(List.of("a", "b", "c", "d", "e")));
        }
    }

    @Test
    void shrinksFromFiveToOneByLeaving() throws Exception {
        Host a = seed("a");
        for (String id : List.of("b", "c", "d", "e")) {
            join(id, "local:a");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> voters(a).size() == 5);
        List<Host> live = new ArrayList<>(hosts);
        while (live.size() > 1) {
            // Always close the leader: the hardest case (hand leadership over, then leave).
            Host leaving = leaderAmong(live);
            live.remove(leaving);
            leaving.leave().join();
            Host survivor = live.get(0);
            int expected = live.size();
            await().atMost(Duration.ofSeconds(20)).until(() -> voters(survivor).size() == expected
                    && survivor.leader().isPresent());
            Entry e = survivor.log().append("still here".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
            assertThat(e.index()).isPositive();
        }
        assertThat(voters(live.get(0))).containsExactly(live.get(0).id());
    }

    @Test
    void aDeadMemberIsEvictedFromAFollower() throws Exception {
        Host a = seed("a");
        Host b = join("b", "local:a");
        Host c = join("c", "local:a");
        await().atMost(Duration.ofSeconds(20)).until(() -> voters(a).size() == 3);
        c.close();
        b.remove("c").get(10, TimeUnit.SECONDS);
        await().until(() -> voters(a).equals(List.of("a", "b")) && voters(b).equals(List.of("a", "b")));
        assertThat(a.log().append(new byte[] {1}).get(10, TimeUnit.SECONDS).index()).isPositive();
    }

    @Test
    void aCrashedMemberIsReplaced() throws Exception {
        Host a = seed("a");
        Host b = join("b", "local:a");
        Host c = join("c", "local:a");
        await().atMost(Duration.ofSeconds(20)).until(() -> voters(a).size() == 3);
        c.close();
        Host d = join("d", "local:b");
        await().atMost(Duration.ofSeconds(20)).until(() -> voters(a).contains("d"));
        b.remove("c").get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> voters(a).equals(List.of("a", "b", "d"))
                && voters(d).equals(List.of("a", "b", "d")));
        assertThat(d.log().append(new byte[] {2}).get(10, TimeUnit.SECONDS).index()).isPositive();
    }

    @Test
    void aFollowerThatOthersRemovedIsToldSo() throws Exception {
        Host a = seed("a");
        Host b = join("b", "local:a");
        Host c = join("c", "local:a");
        await().atMost(Duration.ofSeconds(20)).until(() -> voters(a).size() == 3);
        a.remove("c").get(10, TimeUnit.SECONDS);
        // c is never sent the configuration without it; it learns of its removal when it next speaks to the leader
        // (its vote requests once it stops hearing heartbeats).
        await().atMost(Duration.ofSeconds(20)).until(() -> ((io.kayak.runtime.RaftHost) c).removed());
        assertThat(((io.kayak.runtime.RaftHost) a).removed()).isFalse();
        assertThat(((io.kayak.runtime.RaftHost) b).removed()).isFalse();
        assertThat(voters(a)).containsExactly("a", "b");
    }

    @Test
    void aReplacementSwapsVotersInOneChange() throws Exception {
        Host a = seed("a");
        join("b", "local:a");
        Host c = join("c", "local:a");
        await().atMost(Duration.ofSeconds(20)).until(() -> voters(a).size() == 3);
        c.close();
        java.util.concurrent.atomic.AtomicInteger mostVoters = new java.util.concurrent.atomic.AtomicInteger();
        HostOptions replacement = HostOptions.builder().id("d").listen(cluster.listen("d"))
                .dataDir(dir.resolve("d")).replaces("c").build();
        Host d = cluster.track(Kayak.join(replacement, List.of(cluster.address("b"))));
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            // No configuration ever has four voters: c leaves as d arrives, in one joint change ({a, b, d} while
            // {a, b, c} is being left), never "add d, then remove c", which would pass through {a, b, c, d}.
            mostVoters.accumulateAndGet(((io.kayak.runtime.RaftHost) a).configuration().voters().size(), Math::max);
            return voters(a).equals(List.of("a", "b", "d"));
        });
        assertThat(mostVoters.get()).isEqualTo(3);
        assertThat(d.log().append(new byte[] {3}).get(10, TimeUnit.SECONDS).index()).isPositive();
    }

    @Test
    void theLeaderLeavesUnderLoadWithoutLosingAcknowledgedWrites() throws Exception {
        Host a = seed("a");
        Host b = join("b", "local:a");
        Host c = join("c", "local:a");
        await().atMost(Duration.ofSeconds(20)).until(() -> voters(a).size() == 3);
        List<CompletableFuture<Entry>> acknowledged = new ArrayList<>();
        CompletableFuture<Void> leaving = a.leave();
        int i = 0;
        while (!leaving.isDone() && i < 100_000) {
            acknowledged.add(b.log().append(("w" + i++).getBytes(StandardCharsets.UTF_8)));
            if (acknowledged.size() % 100 == 0) {
                // Bounded load: wait for the oldest writes before adding more.
                acknowledged.get(acknowledged.size() - 100).handle((e, t) -> null).get(20, TimeUnit.SECONDS);
            }
        }
        leaving.get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> voters(b).equals(List.of("b", "c")));
        java.util.Map<Long, String> committed = new java.util.TreeMap<>();
        for (int w = 0; w < acknowledged.size(); w++) {
            Entry e = acknowledged.get(w).handle((entry, t) -> entry).get(20, TimeUnit.SECONDS);
            if (e != null) {
                committed.put(e.index(), "w" + w);
            }
        }
        assertThat(committed).isNotEmpty();
        long last = ((java.util.TreeMap<Long, String>) committed).lastKey();
        await().atMost(Duration.ofSeconds(10)).until(() -> c.log().committed() >= last);
        try (Listener l = c.log().listen(1, 512)) {
            for (long idx = 1; idx <= last; idx++) {
                Entry e = l.next();
                String expected = committed.get(idx);
                if (expected != null) {
                    assertThat(new String(e.payload(), StandardCharsets.UTF_8)).isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void aRemovalThatWouldLeaveNoReachableQuorumIsRefused() {
        Host a = seed("a");
        join("b", "local:a");
        Host c = join("c", "local:a");
        await().atMost(Duration.ofSeconds(20)).until(() -> voters(a).size() == 3);
        c.close();
        // Wait until the leader has noticed: c has been silent for more than an election timeout.
        Duration electionTimeout = cluster.options("a").electionTimeout();
        await().atMost(Duration.ofSeconds(10)).until(() -> ((RaftHost) a).lastContact().get("c")
                .compareTo(electionTimeout.plusMillis(100)) > 0);
        // Without b, the remaining voters {a, c} have only a reachable: the change could never commit.
        assertThatThrownBy(() -> a.remove("b").get(10, TimeUnit.SECONDS))
                .hasMessageContaining("no reachable quorum");
        assertThat(voters(a)).containsExactly("a", "b", "c");
    }

    @Test
    void aMemberThatLeftRefusesToStartAgain() {
        Host a = seed("a");
        join("b", "local:a");
        Host c = join("c", "local:a");
        await().atMost(Duration.ofSeconds(20)).until(() -> voters(a).size() == 3);
        c.leave().join();
        hosts.remove(c);
        assertThat(c.status().role()).isEqualTo(Role.STOPPED);
        assertThat(voters(a)).containsExactly("a", "b");
        assertThatThrownBy(() -> cluster.start("c")).isInstanceOf(MemberRemovedException.class)
                .hasMessageContaining("fresh, empty data directory");
    }

    @Test
    void aMemberRemovedWhileDownDoesNotDisruptAndLearnsItWasRemoved() throws Exception {
        Host a = seed("a");
        Host b = join("b", "local:a");
        Host c = join("c", "local:a");
        await().atMost(Duration.ofSeconds(20)).until(() -> voters(a).size() == 3);
        c.close(); // stops, keeping its place
        hosts.remove(c);
        assertThat(voters(a)).containsExactly("a", "b", "c");
        a.remove("c").get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> voters(a).equals(List.of("a", "b")));
        Host leader = leaderAmong(List.of(a, b));
        long term = leader.status().term();
        Host again = cluster.start("c"); // same data directory: it resumes its old membership, unaware
        // Pre-vote and the leader lease keep it from raising terms or winning; the leader tells it it was removed.
        await().atMost(Duration.ofSeconds(10)).until(() -> again.status().role() == Role.REMOVED);
        assertThat(leader.status().term()).isEqualTo(term);
        assertThat(leader.status().role()).isEqualTo(Role.LEADER);
        assertThat(leader.log().append(new byte[] {9}).get(10, TimeUnit.SECONDS).index()).isPositive();
        assertThatThrownBy(() -> again.log().append(new byte[] {1}).join())
                .hasCauseInstanceOf(MemberRemovedException.class);
        again.close();
        assertThatThrownBy(() -> cluster.start("c")).isInstanceOf(MemberRemovedException.class);
    }

    @Test
    void leadershipIsHandedToAChosenVoterFromAnyMember() throws Exception {
        Host a = seed("a");
        Host b = join("b", "local:a");
        Host c = join("c", "local:a");
        await().atMost(Duration.ofSeconds(20)).until(() -> voters(a).size() == 3);
        c.transferLeadership("b").get(10, TimeUnit.SECONDS); // asked on a follower
        await().until(() -> TcpCluster.leads(b));
        assertThat(b.log().append(new byte[] {4}).get(10, TimeUnit.SECONDS).index()).isPositive();
        assertThatThrownBy(() -> a.transferLeadership("nobody").get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(KayakException.class);
    }

    @Test
    void theLastVoterCannotBeRemoved() {
        Host a = seed("a");
        assertThatThrownBy(() -> a.remove("a").get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(KayakException.class).hasMessageContaining("last voter");
    }

    @Test
    void aJoinUnderAnExistingIdWithAnotherAddressIsRefused() {
        Host a = seed("a");
        join("b", "local:a");
        HostOptions impostor = HostOptions.builder().id("b").listen(cluster.listen("b-impostor"))
                .dataDir(dir.resolve("b-impostor")).build();
        assertThatThrownBy(() -> cluster.track(Kayak.join(impostor, List.of(cluster.address("a")))))
                .isInstanceOf(KayakException.class).hasMessageContaining("already exists");
    }
}
