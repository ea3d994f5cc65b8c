package io.kayak.core.sim;

import io.kayak.core.Entry;
import io.kayak.core.EntryKind;
import io.kayak.core.Message;
import io.kayak.core.RaftNode;
import io.kayak.core.RaftOptions;
import io.kayak.core.session.SessionTable;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * One simulated member: a real {@link RaftNode}, its {@link SimDisk}, and the process state the simulator controls
 * (alive, paused, incarnation). The node's driver duties (see {@link io.kayak.core.Ready}) are carried out by
 * {@link Simulation#drain}.
 */
final class SimNode {
    /**
     * A Ready whose writes wait for the next sync before its messages may leave; {@code matchTerms} holds, for each
     * message, the term of the entry it acknowledges (checked when it leaves).
     */
    record AwaitingSync(List<Message> messages, long[] matchTerms, Entry lastEntry) {
    }

    final String id;
    final SimDisk disk;
    RaftNode raft;
    boolean alive = true;
    long pausedUntil = -1;
    /**
     * What reached this member while it was paused, in arrival order: run when the pause ends, or at once when
     * healing cuts the pause short (a backlog released at the pause's original end would act in the quiet stretch).
     */
    final java.util.ArrayDeque<Runnable> deferred = new java.util.ArrayDeque<>();
    /** Whether an event that runs {@link #deferred} is scheduled. */
    boolean drainScheduled;
    int incarnation;
    boolean syncScheduled;
    /** A deferred commit notice is due (leaders with {@code deferCommitNotice}). */
    boolean noticeScheduled;
    /** Armed by the fault schedule: crash right after the next send that precedes a pending sync. */
    boolean crashAfterNextSend;
    final Deque<AwaitingSync> awaitingSync = new ArrayDeque<>();
    /** Last index applied by this incarnation's state machine. */
    long lastApplied;
    /** Highest commit index seen in this incarnation (it must never go down). */
    long lastCommit;
    /** Hash of the sequence applied by this incarnation's state machine (continued from its snapshot). */
    long stateHash;
    /** The member's latest snapshot; durable (written to a temporary name and renamed), so it survives crashes. */
    SimSnapshot snapshot;
    /** A snapshot received in full from the leader, being handed to the core. */
    SimSnapshot incoming;
    /** Whether application entries carry session envelopes (the seed option). */
    final boolean sessionsOn;
    /**
     * The replicated session table, as of {@link #lastApplied} (restored from the snapshot on start and install);
     * {@code null} on seeds without sessions.
     */
    SessionTable sessions;

    SimNode(String id, SimDisk disk, boolean sessionsOn) {
        this.id = id;
        this.disk = disk;
        this.sessionsOn = sessionsOn;
    }

    void start(RaftOptions options) {
        raft = new RaftNode(options, disk, disk.hardState());
        alive = true;
        incarnation++;
        syncScheduled = false;
        noticeScheduled = false;
        crashAfterNextSend = false;
        awaitingSync.clear();
        // The application rebuilds its state from its snapshot, then applies the log after it.
        lastApplied = snapshot == null ? 0 : snapshot.index();
        stateHash = snapshot == null ? 0 : snapshot.stateHash();
        sessions = restoreSessions(snapshot);
        incoming = null;
        lastCommit = raft.commitIndex();
    }

    /** The session table a state machine rebuilt from {@code snapshot} starts with. */
    SessionTable restoreSessions(SimSnapshot snapshot) {
        if (!sessionsOn) {
            return null;
        }
        return snapshot == null ? new SessionTable() : SessionTable.decode(snapshot.sessions());
    }

    /**
     * Passes an applied entry through the session table, as the library does before its listeners see it: the
     * outcome says whether the application gets it ({@code Fresh}). {@code null} for entries that are not the
     * application's, or on seeds without sessions.
     */
    SessionTable.Outcome applySession(Entry e) {
        if (sessions == null || e.kind() != EntryKind.NORMAL) {
            return null;
        }
        return sessions.apply(e.index(), e.term(), e.payload());
    }

    boolean paused(long now) {
        return pausedUntil > now;
    }

    boolean running(long now) {
        return alive && !paused(now);
    }
}
