package io.kayak.core;

import io.kayak.core.Message.AppendResponse;
import io.kayak.core.Message.InstallSnapshot;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** InstallSnapshot (Raft §7): the leader asks its driver for transfers, the follower installs or declines. */
@DisplayName("Snapshots")
class SnapshotTest {
    private static final Configuration ABC = voters("a", "b", "c");

    private static Configuration voters(String... ids) {
        Map<String, String> addresses = new LinkedHashMap<>();
        for (String id : ids) {
            addresses.put(id, "addr-" + id);
        }
        return Configuration.ofVoters(addresses);
    }

    /** A member and the minimal driver the tests need: it writes each Ready at once and reports it durable. */
    private static final class Member {
        final MemoryLogStore store;
        final RaftNode node;
        final List<Message> sent = new ArrayList<>();
        final List<SnapshotMetadata> installed = new ArrayList<>();
        final List<Ready.SnapshotRequest> requests = new ArrayList<>();

        Member(String id, MemoryLogStore store) {
            this.store = store;
            this.node = new RaftNode(RaftOptions.builder(id).seed(1).build(), store, store.hardState());
        }

        void drain() {
            while (node.hasReady()) {
                Ready rd = node.ready();
                sent.addAll(rd.messages());
                if (rd.snapshot() != null) {
                    store.installSnapshot(rd.snapshot().index(), rd.snapshot().term(),
                            rd.snapshot().configuration());
                    installed.add(rd.snapshot());
                }
                requests.addAll(rd.snapshotsToSend());
                store.append(rd.entries());
                if (rd.hardState() != null) {
                    store.saveHardState(rd.hardState());
                }
                sent.addAll(rd.messagesAfterPersist());
                if (rd.lastEntry() != null) {
                    node.persisted(rd.lastEntry().index(), rd.lastEntry().term());
                }
            }
        }

        AppendResponse lastResponse() {
            return (AppendResponse) sent.get(sent.size() - 1);
        }
    }

    /** A follower whose log holds {@code terms} (index 1 is the configuration) and commit index {@code commit}. */
    private static Member follower(long commit, long term, long... terms) {
        MemoryLogStore store = new MemoryLogStore();
        store.append(List.of(new Entry(1, 1, EntryKind.CONFIG, ConfigurationCodec.encode(ABC))));
        for (int i = 0; i < terms.length; i++) {
            store.append(List.of(Entry.normal(i + 2, terms[i], new byte[] {(byte) i})));
        }
        store.saveHardState(new HardState(term, null, commit));
        return new Member("b", store);
    }

    @Test
    @DisplayName("a follower behind the snapshot replaces its whole log, takes its configuration and acknowledges it")
    void installReplacesTheLog() {
        Member f = follower(2, 3, 1, 2, 2);
        Configuration next = voters("a", "b", "c", "d");
        f.node.step(new InstallSnapshot("a", "b", 3, new SnapshotMetadata(10, 3, next)));
        f.drain();
        assertThat(f.installed).containsExactly(new SnapshotMetadata(10, 3, next));
        assertThat(f.store.firstIndex()).isEqualTo(11);
        assertThat(f.node.commitIndex()).isEqualTo(10);
        assertThat(f.node.appliedIndex()).isEqualTo(10);
        assertThat(f.node.configuration().configuration()).isEqualTo(next);
        assertThat(f.lastResponse()).isEqualTo(new AppendResponse("b", "a", 3, true, 10, 0, 0, 0));
        assertThat(f.node.leader()).isEqualTo("a");
    }

    @Test
    @DisplayName("a snapshot the commit index covers is acknowledged without touching the log")
    void oldSnapshotIsAcknowledgedOnly() {
        Member f = follower(4, 3, 1, 2, 2);
        f.node.step(new InstallSnapshot("a", "b", 3, new SnapshotMetadata(3, 2, ABC)));
        f.drain();
        assertThat(f.installed).isEmpty();
        assertThat(f.store.lastIndex()).isEqualTo(4);
        assertThat(f.lastResponse()).isEqualTo(new AppendResponse("b", "a", 3, true, 4, 0, 0, 0));
    }

    @Test
    @DisplayName("a snapshot whose last entry the log holds keeps the entries after it (they may be acknowledged)")
    void matchingLogIsKept() {
        Member f = follower(2, 3, 1, 2, 2, 3);
        f.node.step(new InstallSnapshot("a", "b", 3, new SnapshotMetadata(4, 2, ABC)));
        f.drain();
        assertThat(f.installed).isEmpty();
        assertThat(f.store.lastIndex()).isEqualTo(5);
        assertThat(f.node.commitIndex()).isEqualTo(4);
        assertThat(f.lastResponse()).isEqualTo(new AppendResponse("b", "a", 3, true, 4, 0, 0, 0));
    }

    @Test
    @DisplayName("a snapshot from a stale leader is refused with the current term and changes nothing")
    void staleLeaderIsRefused() {
        Member f = follower(2, 5, 1, 2);
        f.node.step(new InstallSnapshot("a", "b", 4, new SnapshotMetadata(10, 4, ABC)));
        f.drain();
        assertThat(f.installed).isEmpty();
        assertThat(f.node.commitIndex()).isEqualTo(2);
        assertThat(f.lastResponse().success()).isFalse();
        assertThat(f.lastResponse().term()).isEqualTo(5);
    }

    @Test
    @DisplayName("a leader whose log was compacted past a follower asks its driver for a transfer, and moves on "
            + "once the follower acknowledges the snapshot")
    void leaderRequestsASnapshotAndResumesAfterIt() {
        MemoryLogStore store = new MemoryLogStore();
        store.append(List.of(RaftNode.bootstrapEntry(ABC)));
        store.saveHardState(RaftNode.bootstrapHardState());
        Member leader = new Member("a", store);
        leader.node.campaign();
        leader.drain();
        leader.node.step(new Message.VoteResponse("c", "a", leader.node.term() + 1, true, true));
        leader.drain();
        leader.node.step(new Message.VoteResponse("c", "a", leader.node.term(), false, true));
        leader.drain();
        long term = leader.node.term();
        for (int i = 0; i < 5; i++) {
            leader.node.propose(new byte[] {(byte) i});
        }
        leader.drain();
        long last = leader.node.lastIndex();
        leader.node.step(new AppendResponse("c", "a", term, true, last, 0, 0, 0));
        leader.drain();
        assertThat(leader.node.commitIndex()).isEqualTo(last);
        store.compact(last);

        // "b" never answered; its rejection of the leader's first probe (after index 1) reaches back into the
        // compacted prefix.
        leader.node.step(new AppendResponse("b", "a", term, false, 0, 1, 0, 1));
        leader.drain();
        assertThat(leader.requests).containsExactly(new Ready.SnapshotRequest("b", term));

        // b installed it and acknowledges its index: the leader replicates from there again.
        leader.node.step(new AppendResponse("b", "a", term, true, last, 0, 0, 0));
        leader.drain();
        long proposed = leader.node.propose(new byte[] {9});
        leader.sent.clear();
        leader.drain();
        assertThat(leader.sent).anySatisfy(m -> assertThat(m).isInstanceOfSatisfying(Message.AppendRequest.class,
                a -> assertThat(a.to().equals("b") && a.entries().stream().anyMatch(e -> e.index() == proposed))
                        .isTrue()));
    }

    @Test
    @DisplayName("a snapshot request that is never answered is repeated after a few election timeouts")
    void unansweredRequestIsRepeated() {
        MemoryLogStore store = new MemoryLogStore();
        store.append(List.of(RaftNode.bootstrapEntry(voters("a", "b"))));
        store.saveHardState(RaftNode.bootstrapHardState());
        Member leader = new Member("a", store);
        leader.node.campaign();
        leader.drain();
        leader.node.step(new Message.VoteResponse("b", "a", leader.node.term() + 1, true, true));
        leader.drain();
        leader.node.step(new Message.VoteResponse("b", "a", leader.node.term(), false, true));
        leader.drain();
        long term = leader.node.term();
        store.compact(leader.node.lastIndex());
        leader.node.step(new AppendResponse("b", "a", term, false, 0, leader.node.lastIndex() - 1, 0, 1));
        leader.drain();
        assertThat(leader.requests).hasSize(1);
        leader.node.reportSnapshot("b", false);
        leader.drain();
        assertThat(leader.requests).as("a failed transfer is requested again at once").hasSize(2);
        for (int i = 0; i < RaftNode.SNAPSHOT_TIMEOUT_ELECTIONS * 10 + 1; i++) {
            leader.node.tick();
            leader.node.step(new Message.HeartbeatResponse("b", "a", term, 0));
            leader.drain();
        }
        assertThat(leader.requests).hasSizeGreaterThan(2);
    }
}
