package io.kayak.runtime;

import io.kayak.HostOptions;
import io.kayak.RequestTimeoutException;
import io.kayak.Sync;

import java.util.concurrent.CompletableFuture;

/** The {@link Sync} of one member: read barriers through the raft loop, and the application's acknowledgements. */
final class HostSync implements Sync {
    private final HostOptions options;
    private final RaftLoop loop;
    private final RequestGate gate;
    private final LeaderWait leaderWait;
    private final AckWatch acks;

    HostSync(HostOptions options, RaftLoop loop, RequestGate gate, LeaderWait leaderWait, AckWatch acks) {
        this.options = options;
        this.loop = loop;
        this.gate = gate;
        this.leaderWait = leaderWait;
        this.acks = acks;
    }

    @Override
    public CompletableFuture<Long> barrier() {
        CompletableFuture<Long> refused = gate.refused();
        if (refused != null) {
            return refused;
        }
        return leaderWait.run(() -> {
            CompletableFuture<Long> attempt = new CompletableFuture<>();
            long requestId = loop.forwarder().nextRequestId();
            loop.post(() -> loop.barrier(requestId, attempt));
            return attempt;
        }, options.requestTimeout(), () -> new RequestTimeoutException("no leader confirmed the read within "
                + options.requestTimeout()));
    }

    @Override
    public void ack(long index) {
        acks.ack(index);
    }

    @Override
    public long acked() {
        return acks.get();
    }

    @Override
    public CompletableFuture<Void> sync(long index) {
        CompletableFuture<Void> refused = gate.refused();
        return refused != null ? refused : acks.await(index);
    }
}
