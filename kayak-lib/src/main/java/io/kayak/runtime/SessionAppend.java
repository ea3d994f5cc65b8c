package io.kayak.runtime;

import io.kayak.ClosedException;
import io.kayak.EntryTooLargeException;
import io.kayak.KayakException;
import io.kayak.MemberRemovedException;
import io.kayak.NotLeaderException;
import io.kayak.OutcomeUnknownException;
import io.kayak.OverloadedException;
import io.kayak.SessionExpiredException;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One session append and its attempts, all with the same bytes (the same session and sequence): sent again after
 * every failure that leaves the outcome open, until an attempt is seen to commit, a failure settles it, or the
 * deadline passes. Since every member's session table recognises a copy of a committed (session, sequence),
 * sending again is always safe.
 */
final class SessionAppend {
    private final CompletableFuture<io.kayak.core.Entry> result = new CompletableFuture<>();
    private final HostLog log;
    private final SessionTimers timers;
    private final byte[] entry;
    private final long session;
    private final long sequence;
    /** When the whole append gives up (System.nanoTime()). */
    private final long deadline;
    private volatile boolean firstAttempt = true;
    /** Whether some attempt may have reached a leader: then a deadline leaves the outcome open. */
    private volatile boolean mayHaveCommitted;
    private volatile NotLeaderException lastRefusal;

    private SessionAppend(HostLog log, SessionTimers timers, byte[] entry, long session, long sequence) {
        this.log = log;
        this.timers = timers;
        this.entry = entry;
        this.session = session;
        this.sequence = sequence;
        this.deadline = System.nanoTime() + timers.requestTimeout.toNanos();
    }

    /**
     * Sends {@code entry}, the encoded append {@code sequence} of {@code session}, until its outcome is known;
     * completes with the entry where its first copy committed.
     */
    static CompletableFuture<io.kayak.core.Entry> send(HostLog log, SessionTimers timers, byte[] entry, long session,
                                                       long sequence) {
        SessionAppend append = new SessionAppend(log, timers, entry, session, sequence);
        append.attempt();
        return append.result;
    }

    /** The deadline passed: the error says whether some attempt may have reached a leader. */
    private RuntimeException expired() {
        String what = "append " + sequence + " of session " + session;
        return mayHaveCommitted
                ? new OutcomeUnknownException("no copy of " + what + " was seen to commit within "
                + timers.requestTimeout + "; it may still take effect, once at most")
                : new NotLeaderException("no leader took " + what + " within " + timers.requestTimeout
                + "; it did not take effect", lastRefusal == null ? null : lastRefusal.leaderAddress());
    }

    /** An attempt (or the wait for a leader) outlived its limit: never seen by callers, it only drives retries. */
    private static final class AttemptTimedOut extends RuntimeException {
        private static final long serialVersionUID = 1L;

        AttemptTimedOut() {
            super("attempt unanswered", null, false, false);
        }
    }

    private void attempt() {
        if (result.isDone()) {
            return;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            result.completeExceptionally(expired());
            return;
        }
        // A fresh copy for every attempt after the first: the leader stamps the bytes it appends, and an earlier
        // attempt's copy may still be on its way to disk or to followers. (Later copies read only the session
        // fields and the payload from the original, which the stamping leaves alone.)
        byte[] bytes = firstAttempt ? entry : entry.clone();
        firstAttempt = false;
        // One timer per attempt: the attempt's own limit, or what is left of the whole append's, if sooner.
        java.time.Duration limit = java.time.Duration.ofNanos(Math.min(left, timers.attemptTimeout.toNanos()));
        CompletableFuture<io.kayak.core.Entry> attempt = timers.deadlines.within(log.attempt(bytes), limit,
                AttemptTimedOut::new);
        result.whenComplete((v, t) -> attempt.cancel(false));
        attempt.whenComplete((e, error) -> {
            if (error == null) {
                result.complete(e);
                return;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            if (isFinal(cause)) {
                result.completeExceptionally(cause);
            } else if (cause instanceof NotLeaderException refused) {
                lastRefusal = refused;
                retryWhenLed();
            } else {
                if (!(cause instanceof OverloadedException)) {
                    mayHaveCommitted = true;
                }
                timers.deadlines.after(timers.settleNanos, this::attempt, this::closedUnderneath);
            }
        });
    }

    private void retryWhenLed() {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            result.completeExceptionally(expired());
            return;
        }
        CompletableFuture<Void> led = timers.deadlines.within(timers.state.whenLeaderKnown(),
                java.time.Duration.ofNanos(left), AttemptTimedOut::new);
        result.whenComplete((v, t) -> led.cancel(false));
        led.whenComplete((v, error) -> {
            if (error instanceof ClosedException e) {
                result.completeExceptionally(e);
            } else if (error instanceof AttemptTimedOut) {
                result.completeExceptionally(expired()); // no leader all along
            } else if (error == null) {
                timers.deadlines.after(timers.settleNanos, this::attempt, this::closedUnderneath);
            }
        });
    }

    private void closedUnderneath() {
        result.completeExceptionally(new ClosedException("the host is closed"));
    }

    /**
     * Failures that no attempt can change: the session is gone, the payload is too large, this member is closed or
     * removed, the request was cancelled, or the table refused it for good (a plain {@link KayakException}).
     */
    private static boolean isFinal(Throwable cause) {
        return cause instanceof SessionExpiredException || cause instanceof EntryTooLargeException
                || cause instanceof ClosedException || cause instanceof MemberRemovedException
                || cause instanceof CancellationException
                || (cause instanceof KayakException k && k.getClass() == KayakException.class);
    }
}
