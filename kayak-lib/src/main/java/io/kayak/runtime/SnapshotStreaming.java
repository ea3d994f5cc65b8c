package io.kayak.runtime;

import io.kayak.HostOptions;
import io.kayak.core.Message;
import io.kayak.core.SnapshotMetadata;
import io.kayak.storage.SnapshotStore;
import io.kayak.transport.SnapshotFrame;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A member's snapshot streaming: a {@link SnapshotSender} for the followers that need the leader's snapshot and a
 * {@link SnapshotReceiver} for the snapshot this member is sent, doing their file I/O on a thread of their own, off
 * the raft thread. An in-memory member keeps no snapshots and has none.
 */
final class SnapshotStreaming implements AutoCloseable {
    /** A sender without progress for this many election timeouts gives up (the core asks again later). */
    private static final long SNAPSHOT_ABANDON_ELECTIONS = 20;
    /** A reception that hears nothing for this long is abandoned and its file deleted. */
    private static final long RECEPTION_IDLE_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final ScheduledExecutorService executor;
    private final SnapshotSender sender;
    private final SnapshotReceiver receiver;

    SnapshotStreaming(String id, SnapshotStore store, PeerNetwork network, RaftLoop loop, HostState state,
                      HostOptions options) {
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> Threads.daemon(r, "kayak-snapshots-" + id));
        long election = options.electionTimeout().toNanos();
        this.sender = new SnapshotSender(id, store, network::send,
                to -> loop.postQuietly(() -> loop.snapshotFailed(to)), executor, System::nanoTime,
                2 * election, SNAPSHOT_ABANDON_ELECTIONS * election);
        this.receiver = new SnapshotReceiver(id, store,
                ack -> loop.postQuietly(() -> loop.peers().send(ack)),
                (leader, term, snapshot) -> loop.postQuietly(() -> loop.deliver(new Message.InstallSnapshot(leader, id,
                        term, new SnapshotMetadata(snapshot.lastIndex(), snapshot.lastTerm(),
                        snapshot.configuration())))),
                () -> state.view().term(), executor, System::nanoTime, RECEPTION_IDLE_NANOS);
        loop.snapshotSender(sender);
    }

    /** A frame of a snapshot stream arrived: a chunk for the receiver, or an acknowledgement for the sender. */
    void onFrame(SnapshotFrame frame) {
        if (frame instanceof SnapshotFrame.Chunk chunk) {
            receiver.onChunk(chunk);
        } else {
            sender.onAck((SnapshotFrame.Ack) frame);
        }
    }

    /** Abandons the reception under way and lets the streaming thread finish, for at most 10 seconds. */
    @Override
    public void close() {
        receiver.close();
        Threads.shutDownAndWait(executor, 10);
    }
}
