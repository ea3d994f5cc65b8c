package io.kayak.core.sim;

import io.kayak.core.Message;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Copies of AppendEntries the network kept, to be re-delivered long after they were sent: a router's queue or a
 * retransmitting proxy can do that, and by then the sender may have been deposed, or the follower's log may have
 * moved on. Holds a bounded, random sample of what was sent. Copies may also travel in their heartbeat form
 * ({@link #withoutEntries}).
 */
final class StaleMessages {
    private static final int CAPACITY = 64;

    private final Random random;
    private final List<Message.AppendRequest> kept = new ArrayList<>();

    StaleMessages(Random random) {
        this.random = random;
    }

    /** Keeps a copy of {@code m} now and then, replacing a random older copy once full. */
    void offer(Message m) {
        if (!(m instanceof Message.AppendRequest) || random.nextInt(8) != 0) {
            return;
        }
        if (kept.size() < CAPACITY) {
            kept.add((Message.AppendRequest) m);
        } else {
            kept.set(random.nextInt(CAPACITY), (Message.AppendRequest) m);
        }
    }

    /**
     * The heartbeat form of {@code m}: the same prevIndex, prevTerm and commit index, no entries. The paper's
     * leaders send exactly such AppendEntries (an idle leader's heartbeat at nextIndex - 1), so a follower must
     * handle one; it is the case the follower's commit cap, min(leaderCommit, index of last new entry), exists for.
     */
    static Message.AppendRequest withoutEntries(Message.AppendRequest m) {
        return new Message.AppendRequest(m.from(), m.to(), m.term(), m.prevIndex(), m.prevTerm(), List.of(),
                m.commit());
    }

    /** Takes a random kept copy out, or returns null. */
    Message.AppendRequest take() {
        return kept.isEmpty() ? null : kept.remove(random.nextInt(kept.size()));
    }
}
