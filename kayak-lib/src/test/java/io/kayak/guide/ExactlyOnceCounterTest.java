package io.kayak.guide;

import io.kayak.Entry;
import io.kayak.Host;
import io.kayak.HostOptions;
import io.kayak.LocalNetwork;
import io.kayak.Member;
import io.kayak.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The guide's exactly-once counter: increments sent through a follower while the leader is killed twice all
 * complete, none fails with "outcome unknown", and each counts exactly once.
 */
class ExactlyOnceCounterTest {
    private static final int INCREMENTS = 600;
    private final LocalNetwork network = new LocalNetwork();
    private final List<AutoCloseable> open = new ArrayList<>();
    @TempDir
    Path dir;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private HostOptions options(String id) {
        return HostOptions.builder().id(id).listen("local:" + id).dataDir(dir.resolve(id)).build();
    }

    private Host track(Host h) {
        open.add(h);
        return h;
    }

    @Test
    void everyIncrementCountsOnceThroughLeaderKills() throws Exception {
        List<Host> hosts = new ArrayList<>(List.of(track(network.start(options("a")))));
        hosts.add(track(network.join(options("b"), List.of("local:a"))));
        hosts.add(track(network.join(options("c"), List.of("local:a"))));
        await().atMost(Duration.ofSeconds(30)).until(() -> hosts.get(0).roster().stream().filter(Member::voter)
                .count() == 3 && hosts.stream().allMatch(h -> h.leader().isPresent()));
        Host client = hosts.stream().filter(h -> h.status().role() == Role.FOLLOWER).findFirst().orElseThrow();
        ExactlyOnceCounter counter = new ExactlyOnceCounter(client);
        open.add(counter);

        List<CompletableFuture<Entry>> increments = new ArrayList<>();
        int kills = 0;
        for (int i = 0; i < INCREMENTS; i++) {
            if (i % 200 == 100) {
                killTheLeader(client, hosts);
                kills++;
            }
            increments.add(counter.increment("request-" + i));
            if (increments.size() >= 32) {
                increments.get(increments.size() - 32).get(30, TimeUnit.SECONDS); // at most 32 in flight
            }
        }
        for (CompletableFuture<Entry> f : increments) {
            f.get(30, TimeUnit.SECONDS); // none fails: no "outcome unknown" left to the caller
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> counter.count() >= INCREMENTS);
        assertThat(kills).isEqualTo(3);
        assertThat(counter.count()).isEqualTo(INCREMENTS);
        assertThat(counter.appliedTimes()).hasSize(INCREMENTS).allSatisfy((request, times) ->
                assertThat(times).as(request).isEqualTo(1));
    }

    /**
     * Closes the leader (a crash, as far as the others can tell) and starts it again on its data directory. When the
     * client's own member leads, it hands leadership to another member first, so that the client loses a leader.
     */
    private void killTheLeader(Host client, List<Host> hosts) throws Exception {
        Host leader = leader(hosts);
        if (leader == client) {
            Host other = hosts.stream().filter(h -> h != client).findFirst().orElseThrow();
            client.transferLeadership(other.id()).get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> leader(hosts) != client);
            leader = leader(hosts);
        }
        leader.close();
        open.remove(leader);
        hosts.remove(leader);
        hosts.add(track(network.start(options(leader.id()))));
    }

    private static Host leader(List<Host> hosts) {
        await().atMost(Duration.ofSeconds(30)).until(() -> hosts.stream().anyMatch(h -> h.status().role()
                == Role.LEADER));
        return hosts.stream().filter(h -> h.status().role() == Role.LEADER).findFirst().orElseThrow();
    }
}
