package io.kayak.runtime;

import io.kayak.ClosedException;
import io.kayak.KayakException;
import io.kayak.MemberRemovedException;

import java.util.concurrent.CompletableFuture;

/**
 * Says whether this member still takes requests: not once it is closing or stopped ({@link ClosedException}), nor
 * once it was removed from the cluster ({@link MemberRemovedException}). Every entry point of the API asks it first,
 * so a request on such a host fails with that exception and never with whatever an internal part would throw.
 */
final class RequestGate {
    private final String id;
    private final HostState state;
    private volatile boolean closing;

    RequestGate(String id, HostState state) {
        this.id = id;
        this.state = state;
    }

    /** From now on, requests are refused as closed. */
    void close() {
        closing = true;
    }

    boolean closing() {
        return closing;
    }

    /** Why a request must be refused now, or {@code null} when it may proceed. */
    KayakException refusal() {
        if (closing) {
            return new ClosedException("member " + id + " is closed");
        }
        CompletableFuture<Void> stopped = state.stopped();
        if (stopped.isDone()) {
            Throwable cause = stopped.isCompletedExceptionally() ? stopped.handle((v, t) -> t).join() : null;
            ClosedException closed = new ClosedException("member " + id + " has stopped"
                    + (cause == null ? "" : " after a failure: " + cause.getMessage()));
            if (cause != null) {
                closed.initCause(cause);
            }
            return closed;
        }
        if (state.removed()) {
            return removed(id);
        }
        return null;
    }

    /** Throws the refusal, if any. */
    void check() {
        KayakException refusal = refusal();
        if (refusal != null) {
            throw refusal;
        }
    }

    /** A future already failed with the refusal, or {@code null} when the request may proceed. */
    <T> CompletableFuture<T> refused() {
        KayakException refusal = refusal();
        return refusal == null ? null : CompletableFuture.failedFuture(refusal);
    }

    /** The exception for requests on a member that was removed from its cluster. */
    static MemberRemovedException removed(String id) {
        return new MemberRemovedException("member " + id + " was removed from the cluster and takes no further part;"
                + " to bring this machine back, start it with a fresh data directory and join the cluster");
    }
}
