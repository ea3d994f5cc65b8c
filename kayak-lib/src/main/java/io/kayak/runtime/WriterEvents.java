package io.kayak.runtime;

import io.kayak.core.Entry;
import io.kayak.core.Message;
import io.kayak.core.SnapshotMetadata;

/**
 * What the log writer thread reports, passed to the raft loop: acknowledgements leave straight from the writer
 * thread (a hop through the raft thread would only delay them), the rest is posted to the loop.
 */
final class WriterEvents implements LogWriter.Durable {
    private final RaftLoop loop;
    private final HostMetrics metrics;
    private final HostState state;

    WriterEvents(RaftLoop loop, HostMetrics metrics, HostState state) {
        this.loop = loop;
        this.metrics = metrics;
        this.state = state;
    }

    @Override
    public void sendAfterPersist(Message message) {
        if (loop.running()) {
            loop.peers().send(message);
        }
    }

    @Override
    public void persisted(Entry lastEntry) {
        loop.postQuietly(() -> loop.persisted(lastEntry));
    }

    @Override
    public void failed(RuntimeException error) {
        metrics.storageFailed();
        state.fail(error);
        loop.stop();
    }

    @Override
    public void synced(long nanos, int readies) {
        metrics.fsync(nanos);
    }

    @Override
    public void snapshotInstalled(SnapshotMetadata snapshot) {
        loop.postQuietly(() -> loop.snapshotInstalled(snapshot));
    }
}
