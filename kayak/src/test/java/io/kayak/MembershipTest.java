package io.kayak;

import io.kayak.core.Entry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Growing, shrinking and evicting members, over the in-process network. */
class MembershipTest {
    private final LocalNetwork network = new LocalNetwork();
    private final List<Host> hosts = new ArrayList<>();

    @AfterEach
    void stopAll() {
        hosts.forEach(Host::stop);
    }

    private HostOptions options(String id) {
        String address = "local:" + id;
        return HostOptions.builder().id(id).listen(address).network(() -> network.endpoint(address)).build();
    }

    private Host seed(String id) {
        Host h = Kayak.start(options(id));
        hosts.add(h);
        await().until(() -> h.leader().isPresent());
        return h;
    }

    private Host join(String id, String... peers) {
        Host h = Kayak.join(options(id), List.of(peers));
        hosts.add(h);
        return h;
    }

    private static List<String> voters(Host h) {
        return h.roster().stream().filter(Member::voter).map(Member::id).sorted().collect(Collectors.toList());
    }

    private static Host leaderAmong(List<Host> hs) {
        return hs.stream().filter(h -> h.leader().map(m -> m.id().equals(h.id())).orElse(false)).findFirst()
                .orElseThrow();
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
            leaving.close();
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
        c.stop();
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
        c.stop();
        Host d = join("d", "local:b");
        await().atMost(Duration.ofSeconds(20)).until(() -> voters(a).contains("d"));
        b.remove("c").get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> voters(a).equals(List.of("a", "b", "d"))
                && voters(d).equals(List.of("a", "b", "d")));
        assertThat(d.log().append(new byte[] {2}).get(10, TimeUnit.SECONDS).index()).isPositive();
    }

    @Test
    void theLeaderLeavesUnderLoadWithoutLosingAcknowledgedWrites() throws Exception {
        Host a = seed("a");
        Host b = join("b", "local:a");
        Host c = join("c", "local:a");
        await().atMost(Duration.ofSeconds(20)).until(() -> voters(a).size() == 3);
        List<CompletableFuture<Entry>> acknowledged = new ArrayList<>();
        CompletableFuture<Void> leaving = CompletableFuture.runAsync(a::close);
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
    void theLastVoterCannotBeRemoved() {
        Host a = seed("a");
        assertThatThrownBy(() -> a.remove("a").get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(KayakException.class).hasMessageContaining("last voter");
    }

    @Test
    void aJoinUnderAnExistingIdWithAnotherAddressIsRefused() {
        Host a = seed("a");
        join("b", "local:a");
        String address = "local:b-impostor";
        HostOptions impostor = HostOptions.builder().id("b").listen(address)
                .network(() -> network.endpoint(address)).build();
        assertThatThrownBy(() -> hosts.add(Kayak.join(impostor, List.of("local:a"))))
                .isInstanceOf(KayakException.class).hasMessageContaining("already exists");
    }
}
