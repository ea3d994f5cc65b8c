package io.kayak.core;

import java.util.List;

/**
 * A message between two members. Every message names its sender, its receiver and the sender's term; the
 * receiver's {@link RaftNode#step(Message)} applies the term rules of Raft §5.1 before anything else.
 *
 * <p>The transport carries these as they are; the core never sees bytes.
 */
public sealed interface Message {
    String from();

    String to();

    long term();

    /**
     * RequestVote (Raft §5.2), or a pre-vote (dissertation §9.6) when {@code preVote}: a pre-vote asks whether
     * the receiver would vote for the sender in {@code term} without anybody changing state.
     *
     * @param transfer the candidate campaigns because the leader asked it to ({@link TimeoutNow}); receivers then
     *                 ignore their leader lease
     */
    record VoteRequest(String from, String to, long term, boolean preVote, long lastIndex, long lastTerm,
                       boolean transfer) implements Message {
    }

    /** The answer to a {@link VoteRequest} of the same kind. */
    record VoteResponse(String from, String to, long term, boolean preVote, boolean granted) implements Message {
    }

    /**
     * AppendEntries (Raft §5.3): entries following {@code (prevIndex, prevTerm)}, and the leader's commit index.
     */
    record AppendRequest(String from, String to, long term, long prevIndex, long prevTerm, List<Entry> entries,
                         long commit) implements Message {
        public AppendRequest {
            entries = List.copyOf(entries);
        }
    }

    /**
     * The answer to an {@link AppendRequest}. On success {@code matchIndex} is the last index the follower now
     * holds durably in agreement with the leader. On rejection, {@code rejectedIndex} is the request's
     * {@code prevIndex} (so stale rejections are recognised) and the conflict hint lets the leader skip a whole
     * term at a time: {@code conflictTerm} is the follower's term at {@code rejectedIndex} (0 if its log is
     * shorter) and {@code conflictIndex} the first index the follower holds of that term (or its last index + 1).
     */
    record AppendResponse(String from, String to, long term, boolean success, long matchIndex, long rejectedIndex,
                          long conflictTerm, long conflictIndex) implements Message {
    }

    /**
     * The leader's periodic heartbeat: asserts leadership, carries the commit index the follower may apply (never
     * beyond what the follower is known to hold), and the read round it confirms (see {@link RaftNode#readIndex}).
     */
    record Heartbeat(String from, String to, long term, long commit, long readRound) implements Message {
    }

    /** The answer to a {@link Heartbeat}, echoing its read round. */
    record HeartbeatResponse(String from, String to, long term, long readRound) implements Message {
    }

    /** Leadership transfer (dissertation §3.10): the receiver should campaign at once, skipping pre-vote. */
    record TimeoutNow(String from, String to, long term) implements Message {
    }

    /** A follower forwards a linearizable read to the leader; {@code requestId} is the follower's own. */
    record ReadIndexRequest(String from, String to, long term, long requestId) implements Message {
    }

    /**
     * The leader's answer to a {@link ReadIndexRequest}: the read may be served once the follower has applied
     * {@code index}. {@code index == -1} means the leader could not serve it (it lost leadership).
     */
    record ReadIndexResponse(String from, String to, long term, long requestId, long index) implements Message {
    }

    /**
     * InstallSnapshot (Raft §7): the leader's snapshot {@code snapshot}, whose data the driver has already received
     * in full and made durable on the receiver when it steps this message. The core answers it with an
     * {@link AppendResponse} acknowledging the snapshot's last index.
     */
    record InstallSnapshot(String from, String to, long term, SnapshotMetadata snapshot) implements Message {
    }
}
