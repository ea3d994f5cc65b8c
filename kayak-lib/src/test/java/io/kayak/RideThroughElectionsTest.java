package io.kayak;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Requests wait for a leader while an election runs: callers do not see elections, only their deadline. */
class RideThroughElectionsTest {
    @TempDir
    Path dir;
    private InProcessCluster cluster;

    @AfterEach
    void closeAll() {
        cluster.close();
    }

    private InProcessCluster cluster(Duration requestTimeout) {
        cluster = new InProcessCluster(dir, b -> b.requestTimeout(requestTimeout));
        return cluster;
    }

    private List<Host> threeMembers() {
        return cluster(Duration.ofSeconds(10)).three();
    }

    private static Throwable outcome(java.util.concurrent.CompletableFuture<?> f) throws InterruptedException {
        try {
            f.get(30, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the request never completed", e);
        }
    }

    @Test
    void aWriterThroughAFollowerSeesNoNotLeaderWhileTheLeaderIsKilled() throws Exception {
        List<Host> members = threeMembers();
        Host leader = members.stream().filter(TcpCluster::leads).findFirst().orElseThrow();
        Host follower = members.stream().filter(h -> h != leader).findFirst().orElseThrow();
        List<Class<?>> seen = new ArrayList<>();
        int committed = 0;
        boolean killed = false;
        for (int i = 0; i < 400; i++) {
            if (i == 100) {
                leader.close(); // a crash, as far as the others can tell
                cluster.forget(leader);
                killed = true;
            }
            Throwable t = outcome(follower.log().append(new byte[] {(byte) i}));
            if (t == null) {
                committed++;
            } else {
                seen.add(t.getClass());
            }
        }
        assertThat(killed).isTrue();
        assertThat(seen).as("only writes in flight at the kill may have an unknown outcome")
                .allMatch(c -> c == OutcomeUnknownException.class).hasSizeLessThanOrEqualTo(1);
        assertThat(committed).isGreaterThanOrEqualTo(399);
        assertThat(follower.leader()).isPresent().get().extracting(Member::id).isNotEqualTo(leader.id());
    }

    @Test
    void aRestartedMemberServesALinearizableReadAsSoonAsALeaderExists() throws Exception {
        List<Host> members = threeMembers();
        Host leader = members.stream().filter(TcpCluster::leads).findFirst().orElseThrow();
        Host follower = members.stream().filter(h -> h != leader).findFirst().orElseThrow();
        long written = leader.log().append(new byte[] {1}).get(10, TimeUnit.SECONDS).index();
        follower.close();
        cluster.forget(follower);
        Host again = cluster.start(follower.id());
        // Asked at once, before the restarted member has heard of any leader: it waits for one.
        long barrier = again.sync().barrier().get(15, TimeUnit.SECONDS);
        assertThat(barrier).isGreaterThanOrEqualTo(written);
        again.sync().ack(barrier);
        assertThat(again.sync().read(() -> "read").get(15, TimeUnit.SECONDS)).isEqualTo("read");
    }

    @Test
    void withoutAQuorumTheDeadlineGivesNotLeaderNotASilentWait() throws Exception {
        InProcessCluster two = cluster(Duration.ofSeconds(2));
        Host a = two.start("a");
        Host b = two.join("b", "a");
        await().atMost(Duration.ofSeconds(20)).until(() -> TcpCluster.voters(a).size() == 2);
        Host leader = TcpCluster.leads(a) ? a : b;
        Host other = leader == a ? b : a;
        leader.close();
        cluster.forget(leader);
        await().atMost(Duration.ofSeconds(10)).until(() -> other.leader().isEmpty());
        // One voter of two can never win an election: the barrier waits, then says no leader took it.
        assertThat(outcome(other.sync().barrier())).isInstanceOf(NotLeaderException.class)
                .hasMessageContaining("no leader");
        assertThat(outcome(other.log().append(new byte[] {1}))).isInstanceOf(NotLeaderException.class);
        assertThatThrownBy(() -> other.remove(leader.id()).join()).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(NotLeaderException.class);
    }
}
