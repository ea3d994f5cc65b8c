package io.kayak.core;

import io.kayak.core.Message.AppendRequest;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Predicate;

import static io.kayak.core.Msgs.appendWithEntriesTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * How followers learn a new commit index: at once (the default), or, with {@link RaftOptions#deferCommitNotice()},
 * with the next AppendEntries, the next heartbeat, or when the driver asks for the notice.
 */
@DisplayName("Commit notices")
class CommitNoticeTest {

    private static Predicate<Message> emptyAppendTo(String id) {
        return m -> m instanceof AppendRequest && m.to().equals(id) && ((AppendRequest) m).entries().isEmpty();
    }

    private static Cluster deferring() {
        return Cluster.builder().member("a", 1).member("b", 1).member("c", 1)
                .options(o -> o.deferCommitNotice(true)).build();
    }

    @Test
    @DisplayName("by default a commit sends each follower an empty AppendEntries with the new commit index")
    void eagerNoticeByDefault() {
        Cluster c = Cluster.of("a", "b", "c").elect("a").clearSent();
        long index = c.node("a").propose(List.of(new byte[] {1}));
        c.stabilize();

        assertThat(c.node("a").commitIndex()).isEqualTo(index);
        for (String follower : List.of("b", "c")) {
            assertThat(c.sent(emptyAppendTo(follower))).isNotEmpty()
                    .allSatisfy(m -> assertThat(((AppendRequest) m).commit()).isEqualTo(index));
            assertThat(c.node(follower).commitIndex()).isEqualTo(index);
        }
        assertThat(c.node("a").commitNoticePending()).isFalse();
    }

    @Test
    @DisplayName("a deferring leader sends no empty AppendEntries on commit; the followers wait for the notice")
    void deferredNoticeWaits() {
        Cluster c = deferring().elect("a").clearSent();
        long index = c.node("a").propose(List.of(new byte[] {1}));
        c.stabilize();

        assertThat(c.node("a").commitIndex()).isEqualTo(index);
        assertThat(c.sent(emptyAppendTo("b"))).isEmpty();
        assertThat(c.sent(emptyAppendTo("c"))).isEmpty();
        assertThat(c.node("b").commitIndex()).isLessThan(index);
        assertThat(c.node("a").commitNoticePending()).isTrue();

        c.node("a").sendCommitNotice();
        c.stabilize();

        assertThat(c.node("b").commitIndex()).isEqualTo(index);
        assertThat(c.node("c").commitIndex()).isEqualTo(index);
        assertThat(c.applied("b")).extracting(Entry::index).contains(index);
        assertThat(c.node("a").commitNoticePending()).isFalse();
    }

    @Test
    @DisplayName("a deferred notice travels with the next AppendEntries, and no separate notice is needed")
    void deferredNoticeRidesOnNextAppend() {
        Cluster c = deferring().elect("a");
        long first = c.node("a").propose(List.of(new byte[] {1}));
        c.stabilize();
        c.clearSent();

        long second = c.node("a").propose(List.of(new byte[] {2}));
        c.stabilize();

        for (String follower : List.of("b", "c")) {
            assertThat(c.sent(appendWithEntriesTo(follower))).singleElement()
                    .satisfies(m -> assertThat(((AppendRequest) m).commit()).isEqualTo(first));
            assertThat(c.node(follower).commitIndex()).isEqualTo(first);
        }
        assertThat(c.node("a").commitIndex()).isEqualTo(second);
        assertThat(c.sent(emptyAppendTo("b"))).isEmpty();
        // The second entry's commit is again waiting for a notice.
        assertThat(c.node("a").commitNoticePending()).isTrue();
    }

    @Test
    @DisplayName("a heartbeat carries a deferred notice")
    void heartbeatCarriesDeferredNotice() {
        Cluster c = deferring().elect("a");
        long index = c.node("a").propose(List.of(new byte[] {1}));
        c.stabilize();
        assertThat(c.node("a").commitNoticePending()).isTrue();

        c.tick("a").stabilize();

        assertThat(c.node("a").commitNoticePending()).isFalse();
        assertThat(c.node("b").commitIndex()).isEqualTo(index);
        assertThat(c.node("c").commitIndex()).isEqualTo(index);
    }

    @Test
    @DisplayName("a notice goes only to followers that have not heard of the commit index")
    void noticeOnlyToLaggingFollowers() {
        Cluster c = deferring().elect("a");
        long index = c.node("a").propose(List.of(new byte[] {1}));
        c.stabilize();
        c.node("a").sendCommitNotice();
        c.stabilize();
        c.clearSent();

        c.node("a").sendCommitNotice();
        c.stabilize();

        assertThat(c.sent()).isEmpty();
        assertThat(c.node("b").commitIndex()).isEqualTo(index);
    }

    @Test
    @DisplayName("followers are never told of a commit before they hold the entries")
    void noticeBoundedByWhatFollowerHolds() {
        Cluster c = deferring().elect("a").isolate("c");
        long index = c.node("a").propose(List.of(new byte[] {1}));
        c.stabilize();
        c.node("a").sendCommitNotice();
        c.stabilize();

        assertThat(c.node("a").commitIndex()).isEqualTo(index);
        assertThat(c.node("b").commitIndex()).isEqualTo(index);
        assertThat(c.node("c").commitIndex()).isLessThan(index);
        assertThat(c.node("c").lastIndex()).isLessThan(index);
    }
}
