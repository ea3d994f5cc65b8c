package io.kayak;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What closing, restarting and leaving do to a member and its cluster, and what {@link Host#status()} reports along
 * the way (in-process network, real data directories).
 */
class LifecycleTest {
    @TempDir
    Path dir;
    private InProcessCluster cluster;

    @BeforeEach
    void create() {
        cluster = new InProcessCluster(dir, b -> b);
    }

    @AfterEach
    void closeAll() {
        cluster.close();
    }

    private List<Host> threeMembers() {
        return cluster.three();
    }

    @Test
    void closeKeepsTheMemberInTheClusterAndARestartResumesIt() throws Exception {
        List<Host> members = threeMembers();
        Host c = members.get(2);
        long before = c.log().append(new byte[] {1}).get(10, TimeUnit.SECONDS).index();
        try (Host closing = c) {
            assertThat(closing.status().role()).isNotEqualTo(Role.STOPPED);
        } // try-with-resources: the way frameworks close things
        cluster.forget(c);
        assertThat(c.status().role()).isEqualTo(Role.STOPPED);
        assertThat(c.leader()).isEmpty();
        assertThat(TcpCluster.voters(members.get(0))).containsExactly("a", "b", "c");

        Host again = cluster.start("c");
        assertThat(again.id()).isEqualTo("c");
        Entry e = again.log().append(new byte[] {2}).get(10, TimeUnit.SECONDS);
        assertThat(e.index()).isGreaterThan(before);
        assertThat(TcpCluster.voters(again)).containsExactly("a", "b", "c");
    }

    @Test
    void aClosedHostReportsStoppedAndKnowsNoLeader() {
        Host a = cluster.start("a");
        await().atMost(Duration.ofSeconds(5)).until(() -> a.status().role() == Role.LEADER);
        a.close();
        HostStatus status = a.status();
        assertThat(status.role()).isEqualTo(Role.STOPPED);
        assertThat(a.leader()).isEmpty();
        a.close(); // idempotent
    }

    @Test
    void leaveRemovesTheMemberForGoodAndItsDataDirectoryRefusesToStart() throws Exception {
        List<Host> members = threeMembers();
        Host leader = members.stream().filter(TcpCluster::leads).findFirst().orElseThrow();
        leader.leave().get(20, TimeUnit.SECONDS); // the hardest case: hand leadership over first
        cluster.forget(leader);
        Host survivor = members.stream().filter(h -> h != leader).findFirst().orElseThrow();
        assertThat(TcpCluster.voters(survivor)).doesNotContain(leader.id()).hasSize(2);
        assertThat(leader.status().role()).isEqualTo(Role.STOPPED);
        assertThatThrownBy(() -> leader.log().append(new byte[] {1}).join()).hasCauseInstanceOf(ClosedException.class);
        assertThatThrownBy(() -> cluster.network.start(cluster.options(leader.id())))
                .isInstanceOf(MemberRemovedException.class)
                .hasMessageContaining(leader.id()).hasMessageContaining("join");
        assertThat(survivor.log().append(new byte[] {3}).get(10, TimeUnit.SECONDS).index()).isPositive();
    }

    @Test
    void theSoleMemberCannotLeave() {
        Host a = cluster.start("a");
        assertThatThrownBy(() -> a.leave().join()).hasCauseInstanceOf(KayakException.class)
                .hasMessageContaining("only member");
        assertThat(a.status().role()).isNotEqualTo(Role.STOPPED);
    }

    @Test
    void statusShowsTheLeadersViewOfEveryMember() throws Exception {
        List<Host> members = threeMembers();
        Host leader = members.stream().filter(TcpCluster::leads).findFirst().orElseThrow();
        long index = leader.log().append(new byte[] {7}).get(10, TimeUnit.SECONDS).index();
        leader.sync().ack(index);
        await().atMost(Duration.ofSeconds(10)).until(() -> leader.status().members().stream()
                .allMatch(m -> m.matchIndex() >= index));
        HostStatus s = leader.status();
        assertThat(s.id()).isEqualTo(leader.id());
        assertThat(s.role()).isEqualTo(Role.LEADER);
        assertThat(s.leaderId()).isEqualTo(leader.id());
        assertThat(s.term()).isPositive();
        assertThat(s.commitIndex()).isGreaterThanOrEqualTo(index);
        assertThat(s.appliedIndex()).isGreaterThanOrEqualTo(index);
        assertThat(s.ackedIndex()).isEqualTo(index);
        assertThat(s.lastIndex()).isGreaterThanOrEqualTo(index);
        assertThat(s.firstIndex()).isEqualTo(1);
        assertThat(s.members()).extracting(MemberStatus::id).containsExactly("a", "b", "c");
        assertThat(s.members()).allMatch(MemberStatus::voter);
        assertThat(s.members()).filteredOn(m -> !m.id().equals(leader.id()))
                .allMatch(m -> m.lastContact() != null && m.lastContact().compareTo(Duration.ofSeconds(5)) < 0);
        Host follower = members.stream().filter(h -> !TcpCluster.leads(h)).findFirst().orElseThrow();
        HostStatus fs = follower.status();
        assertThat(fs.role()).isEqualTo(Role.FOLLOWER);
        assertThat(fs.leaderId()).isEqualTo(leader.id());
        assertThat(fs.members()).allMatch(m -> m.matchIndex() == -1);
    }
}
