package io.kayak.core;

import io.kayak.core.Message.AppendRequest;
import io.kayak.core.Message.AppendResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.kayak.core.Cluster.payloadEntry;
import static io.kayak.core.Msgs.appendWithEntriesTo;
import static org.assertj.core.api.Assertions.assertThat;

/** Log replication (Raft §5.3), its flow control, and the leader's commit rule (§5.4.2, dissertation §10.2.1). */
@DisplayName("Replication")
class ReplicationTest {

    // ---------------------------------------------------------------- follower side

    @Test
    @DisplayName("a follower truncates only on a real conflict: a delayed, shorter AppendEntries removes nothing")
    void truncationOnlyOnConflict() {
        Cluster c = Cluster.builder().member("f", 1).member("L", 1).member("x", 1).currentTerm(2).build();
        c.receive(append("L", "f", 2, 1, 1, payloadEntry(2, 2), payloadEntry(3, 2), payloadEntry(4, 2)));
        assertThat(c.log("f")).containsExactly(1L, 2L, 2L, 2L);

        // The first AppendEntries of the leader, overtaken by the later one, arrives last.
        c.receive(append("L", "f", 2, 1, 1, payloadEntry(2, 2)));
        assertThat(c.log("f")).containsExactly(1L, 2L, 2L, 2L);
        assertThat(lastResponse(c, "f")).satisfies(r -> {
            assertThat(r.success()).isTrue();
            assertThat(r.matchIndex()).isEqualTo(2);
        });

        // A leader of term 3 whose index 3 differs: now there is a conflict, and the suffix from 3 goes.
        c.receive(append("L", "f", 3, 2, 2, payloadEntry(3, 3)));
        assertThat(c.log("f")).containsExactly(1L, 2L, 3L);
        assertThat(c.diskEntries("f")).extracting(Entry::term).containsExactly(1L, 2L, 3L);
    }

    @Test
    @DisplayName("the consistency check rejects a mismatching prevIndex/prevTerm with the conflict hint")
    void consistencyCheckWithConflictHint() {
        Cluster c = Cluster.builder().member("f", 1, 1, 2, 2, 2).member("L", 1).member("x", 1)
                .currentTerm(3).build();

        // prevIndex 4 holds term 2, not 3: the hint names term 2 and the first index of its run, 3.
        c.receive(append("L", "f", 3, 4, 3, payloadEntry(5, 3)));
        assertThat(lastResponse(c, "f")).isEqualTo(new AppendResponse("f", "L", 3, false, 0, 4, 2, 3));

        // prevIndex 8 is beyond the log: term 0 and the first missing index, 6.
        c.receive(append("L", "f", 3, 8, 3));
        assertThat(lastResponse(c, "f")).isEqualTo(new AppendResponse("f", "L", 3, false, 0, 8, 0, 6));

        assertThat(c.log("f")).containsExactly(1L, 1L, 2L, 2L, 2L);
    }

    // ---------------------------------------------------------------- leader side

    @Test
    @DisplayName("a new leader appends a no-op entry of its own term")
    void newLeaderAppendsNoop() {
        Cluster c = Cluster.builder().member("a", 1, 1, 2).member("b", 1, 1, 2).member("c", 1)
                .currentTerm(2).build();
        c.elect("a");
        List<Entry> log = c.diskEntries("a");
        Entry last = log.get(log.size() - 1);
        assertThat(last.index()).isEqualTo(4);
        assertThat(last.term()).isEqualTo(c.node("a").term()).isEqualTo(3);
        assertThat(last.kind()).isEqualTo(EntryKind.NOOP);
        // Through it, the term-2 entry at index 3 is committed (Figure 8).
        assertThat(c.node("a").commitIndex()).isEqualTo(4);
    }

    @Test
    @DisplayName("proposals made before one ready() reach each follower in a single AppendEntries")
    void proposalsAreBatched() {
        Cluster c = Cluster.of("a", "b", "c").elect("a").clearSent();
        c.node("a").propose(bytes("x"));
        c.node("a").propose(bytes("y"));
        c.node("a").propose(bytes("z"));
        c.stabilize();

        for (String follower : List.of("b", "c")) {
            assertThat(c.sent(appendWithEntriesTo(follower))).singleElement()
                    .satisfies(m -> assertThat(((AppendRequest) m).entries()).hasSize(3));
        }
        assertThat(c.node("a").commitIndex()).isEqualTo(c.node("a").lastIndex());
    }

    @Test
    @DisplayName("maxAppendBytes splits a large backlog into several AppendEntries")
    void maxAppendBytesSplitsBacklog() {
        int entrySize = 100 + 24; // payload plus the fixed header counted by Entry.size()
        Cluster c = Cluster.builder().member("a", 1).member("b", 1).member("c", 1)
                .options(o -> o.maxAppendBytes(2 * entrySize)).build();
        c.elect("a").clearSent();
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            payloads.add(new byte[100]);
        }
        long first = c.node("a").propose(payloads);
        c.stabilize();

        List<AppendRequest> toB = c.sent(appendWithEntriesTo("b")).stream().map(AppendRequest.class::cast).toList();
        assertThat(toB).hasSize(5).allSatisfy(a -> assertThat(a.entries()).hasSize(2));
        assertThat(toB.stream().flatMap(a -> a.entries().stream()).map(Entry::index))
                .containsExactly(first, first + 1, first + 2, first + 3, first + 4, first + 5, first + 6,
                        first + 7, first + 8, first + 9);
        assertThat(c.log("b")).isEqualTo(c.log("a"));
    }

    @Test
    @DisplayName("the in-flight window pauses a follower at maxInflightMessages and resumes on acknowledgements")
    void inflightWindowPausesAndResumes() {
        Cluster c = Cluster.builder().member("a", 1).member("b", 1).member("c", 1)
                .options(o -> o.maxInflightMessages(2)).build();
        c.elect("a").clearSent();
        c.hold(appendWithEntriesTo("b"));   // b is slow: nothing it is sent gets through for now

        for (String p : List.of("p1", "p2", "p3", "p4")) {
            c.node("a").propose(bytes(p));
            c.stabilize();
        }
        // Two unacknowledged AppendEntries are out; p3 and p4 wait. (c acknowledges, so all four commit.)
        assertThat(c.sent(appendWithEntriesTo("b"))).hasSize(2);
        assertThat(c.node("a").commitIndex()).isEqualTo(c.node("a").lastIndex());

        c.release().stabilize();
        // Each acknowledgement frees the window: the rest follows, and b catches up.
        assertThat(c.sent(appendWithEntriesTo("b"))).hasSizeGreaterThan(2);
        assertThat(c.log("b")).isEqualTo(c.log("a"));
        assertThat(c.node("a").followerMatches()).containsEntry("b", c.node("a").lastIndex());
    }

    @Test
    @DisplayName("the leader counts itself toward commit only once persisted() reports its entries durable")
    void leaderCountsItselfOnlyWhenDurable() {
        Cluster c = Cluster.of("a", "b", "c").elect("a");
        c.isolate("c").holdPersistence("a");
        long index = c.node("a").propose(bytes("x"));
        c.stabilize();

        // b has acknowledged it; b plus a would be a majority of three, but a's own copy is not yet durable.
        assertThat(c.node("a").followerMatches()).containsEntry("b", index);
        assertThat(c.node("a").durableIndex()).isLessThan(index);
        assertThat(c.node("a").commitIndex()).isLessThan(index);

        c.persist("a");
        assertThat(c.node("a").commitIndex()).isEqualTo(index);
    }

    private static AppendRequest append(String from, String to, long term, long prevIndex, long prevTerm,
                                        Entry... entries) {
        return new AppendRequest(from, to, term, prevIndex, prevTerm, List.of(entries), 1);
    }

    private static AppendResponse lastResponse(Cluster c, String from) {
        List<AppendResponse> responses = c.sent(AppendResponse.class).stream()
                .filter(r -> r.from().equals(from)).toList();
        return responses.get(responses.size() - 1);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
