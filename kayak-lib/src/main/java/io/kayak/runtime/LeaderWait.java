package io.kayak.runtime;

import io.kayak.ClosedException;
import io.kayak.NotLeaderException;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Rides requests that need a leader through elections, so that callers do not see them: an attempt that fails with
 * {@link NotLeaderException} (which always means nothing was done: no leader took the request) is made again once a
 * leader is known, until the request's deadline. Only when the deadline passes while no leader would take it does
 * the caller see {@link NotLeaderException}; a deadline that passes while an attempt is with a leader gives the
 * request's own timeout error (for an append, "outcome unknown").
 */
final class LeaderWait {
    private final HostState state;
    private final Deadlines deadlines;
    /** How long to let a known but refusing leader settle before asking again: one heartbeat interval. */
    private final long settleNanos;

    LeaderWait(HostState state, Deadlines deadlines, Duration heartbeatInterval) {
        this.state = state;
        this.deadlines = deadlines;
        this.settleNanos = heartbeatInterval.toNanos();
    }

    /**
     * Runs {@code attempt} until it succeeds, fails with anything but {@link NotLeaderException}, or {@code timeout}
     * passes; {@code timedOutInFlight} is the error when the deadline finds an attempt under way.
     */
    <T> CompletableFuture<T> run(Supplier<CompletableFuture<T>> attempt, Duration timeout,
                                 Supplier<? extends RuntimeException> timedOutInFlight) {
        Request<T> request = new Request<>(attempt, System.nanoTime() + timeout.toNanos());
        deadlines.within(request.result, timeout, () -> request.refusedBy == null ? timedOutInFlight.get()
                : new NotLeaderException("no leader took the request within " + timeout + " (last: "
                        + request.refusedBy.getMessage() + ")", request.refusedBy.leaderAddress()));
        request.attempt();
        return request.result;
    }

    /** One request and its attempts. */
    private final class Request<T> {
        final CompletableFuture<T> result = new CompletableFuture<>();
        final Supplier<CompletableFuture<T>> attempt;
        final long deadline;
        /** The refusal of the last attempt while waiting for a leader; null while an attempt is under way. */
        volatile NotLeaderException refusedBy;

        Request(Supplier<CompletableFuture<T>> attempt, long deadline) {
            this.attempt = attempt;
            this.deadline = deadline;
        }

        void attempt() {
            if (result.isDone()) {
                return;
            }
            refusedBy = null;
            CompletableFuture<T> current;
            try {
                current = attempt.get();
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
                return;
            }
            // A request that ends (its deadline passed) takes its attempt with it, so the loop forgets the attempt.
            result.whenComplete((value, error) -> {
                if (error != null) {
                    current.completeExceptionally(error);
                }
            });
            current.whenComplete((value, error) -> {
                if (error == null) {
                    result.complete(value);
                    return;
                }
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                if (cause instanceof NotLeaderException refused && System.nanoTime() - deadline < 0) {
                    refusedBy = refused;
                    retryWhenLed();
                } else {
                    result.completeExceptionally(cause);
                }
            });
        }

        private void retryWhenLed() {
            // A leader this host already knew refused (it stepped down, or this host's news is stale): give the
            // cluster a heartbeat to settle before asking again, rather than asking in a tight loop.
            boolean knewLeader = state.view().leaderId() != null;
            CompletableFuture<Void> led = state.whenLeaderKnown();
            result.whenComplete((v, t) -> led.cancel(false)); // a request that timed out stops waiting
            led.whenComplete((v, error) -> {
                if (error instanceof ClosedException closed) {
                    result.completeExceptionally(closed);
                } else if (error == null) {
                    deadlines.after(knewLeader ? settleNanos : 0, this::attempt,
                            () -> result.completeExceptionally(new ClosedException("the host is closed")));
                }
            });
        }
    }
}
