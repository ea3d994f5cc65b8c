package io.kayak.runtime;

import io.kayak.HostOptions;
import io.kayak.RequestTimeoutException;
import io.kayak.transport.Rpc;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The host's administrative requests, {@link io.kayak.Host#remove} and {@link io.kayak.Host#transferLeadership}: sent
 * to the leader (or handled here when this member leads), waiting for a leader while none is known, and completed
 * once what they asked for happened.
 */
final class Administration {
    private final String address;
    private final HostOptions options;
    private final RaftLoop loop;
    private final RequestGate gate;
    private final LeaderWait leaderWait;
    private final HostState state;
    /** Where answers are turned into outcomes: never the raft thread, whose callbacks must stay short. */
    private final Executor dispatch;

    Administration(String address, HostOptions options, RaftLoop loop, RequestGate gate, LeaderWait leaderWait,
                   HostState state, Executor dispatch) {
        this.address = address;
        this.options = options;
        this.loop = loop;
        this.gate = gate;
        this.leaderWait = leaderWait;
        this.state = state;
        this.dispatch = dispatch;
    }

    /** See {@link io.kayak.Host#transferLeadership}: completes once this member knows {@code memberId} as leader. */
    CompletableFuture<Void> transferLeadership(String memberId) {
        Objects.requireNonNull(memberId, "memberId");
        return administer(() -> new Rpc.Request(loop.forwarder().nextRequestId(), address,
                        Rpc.Kind.TRANSFER_LEADERSHIP, memberId, "", null),
                options.electionTimeout().multipliedBy(4).plus(options.requestTimeout()),
                "leadership did not reach " + memberId + " in time", answer -> state.whenLeaderIs(memberId));
    }

    /** See {@link io.kayak.Host#remove(String, boolean)}. */
    CompletableFuture<Void> remove(String memberId, boolean force) {
        Objects.requireNonNull(memberId, "memberId");
        byte[] flags = force ? new byte[] {1} : null;
        return administer(() -> new Rpc.Request(loop.forwarder().nextRequestId(), address, Rpc.Kind.REMOVE, memberId,
                        "", flags), options.requestTimeout().multipliedBy(2), "the removal of " + memberId
                        + " did not complete in time; it may still complete",
                answer -> CompletableFuture.completedFuture(null));
    }

    /**
     * Sends an administrative request to the leader (or handles it here when this member leads), waiting for a
     * leader while none is known; once accepted, {@code then} says what to wait for. Fails with the request's typed
     * error, or {@link RequestTimeoutException} after {@code timeout}.
     */
    private CompletableFuture<Void> administer(Supplier<Rpc.Request> request, Duration timeout, String timeoutMessage,
                                               Function<Rpc.Response, CompletableFuture<Void>> then) {
        CompletableFuture<Void> refused = gate.refused();
        if (refused != null) {
            return refused;
        }
        return leaderWait.run(() -> {
            CompletableFuture<Rpc.Response> answer = new CompletableFuture<>();
            CompletableFuture<Void> done = new CompletableFuture<>();
            answer.whenCompleteAsync((r, error) -> {
                if (error != null) {
                    done.completeExceptionally(error);
                } else if (r.error() != Rpc.Error.NONE) {
                    done.completeExceptionally(Forwarder.toException(r));
                } else {
                    then.apply(r).whenComplete((v, t) -> done.complete(null));
                }
            }, dispatch);
            Rpc.Request r = request.get();
            loop.post(() -> loop.forwarder().requestChange(r, answer));
            return done;
        }, timeout, () -> new RequestTimeoutException(timeoutMessage));
    }
}
