package io.kayak.runtime;

import io.kayak.ClosedException;
import io.kayak.Entry;
import io.kayak.EntryKind;
import io.kayak.EntryTooLargeException;
import io.kayak.MemberRemovedException;
import io.kayak.NotLeaderException;
import io.kayak.OutcomeUnknownException;
import io.kayak.OverloadedException;
import io.kayak.Session;
import io.kayak.SessionExpiredException;
import io.kayak.core.session.Envelope;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Session} of this host: numbers its appends, sends each again (same number, same bytes) until it learns
 * the outcome or its deadline passes, and keeps the session alive while it is open. The replicated
 * {@link io.kayak.core.session.SessionTable} does the rest: a copy of a committed append is recognised on every
 * member and answered with the first copy's index.
 */
final class HostSession implements Session {
    private final long id;
    private final HostLog log;
    private final SessionTimers timers;
    private final AtomicLong nextSequence = new AtomicLong(1);
    /** Sequences whose outcome this session has not yet delivered; the smallest is reported to the table. */
    private final ConcurrentSkipListSet<Long> unanswered = new ConcurrentSkipListSet<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile long lastSentNanos = System.nanoTime();

    HostSession(long id, HostLog log, SessionTimers timers) {
        this.id = id;
        this.log = log;
        this.timers = timers;
        scheduleKeepAlive();
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public CompletableFuture<Entry> append(byte[] payload) {
        Objects.requireNonNull(payload, "payload");
        if (closed.get()) {
            return CompletableFuture.failedFuture(new ClosedException("session " + id + " is closed"));
        }
        try {
            log.checkOpen();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        EntryTooLargeException tooLarge = log.checkSize(payload);
        if (tooLarge != null) {
            return CompletableFuture.failedFuture(tooLarge);
        }
        if (unanswered.size() >= MAX_IN_FLIGHT) {
            return CompletableFuture.failedFuture(new OverloadedException("session " + id + " has " + MAX_IN_FLIGHT
                    + " appends in flight"));
        }
        OverloadedException overloaded = log.admit(payload.length);
        if (overloaded != null) {
            return CompletableFuture.failedFuture(overloaded);
        }
        long sequence = nextSequence.getAndIncrement();
        unanswered.add(sequence);
        byte[] entry = Envelope.append(id, sequence, unanswered.first(), payload);
        Append append = new Append(entry, sequence);
        append.result.whenComplete((e, t) -> {
            unanswered.remove(sequence);
            log.release(payload.length);
        });
        append.start();
        return append.result.thenApply(e -> Entry.copyOf(e.index(), e.term(), EntryKind.NORMAL, entry,
                Envelope.APPEND_HEADER, payload.length));
    }

    /** One append and its attempts, all with the same sequence number. */
    private final class Append {
        final CompletableFuture<io.kayak.core.Entry> result = new CompletableFuture<>();
        final byte[] entry;
        final long sequence;
        /** Whether some attempt may have reached a leader: then a deadline leaves the outcome open. */
        volatile boolean mayHaveCommitted;
        volatile NotLeaderException lastRefusal;

        Append(byte[] entry, long sequence) {
            this.entry = entry;
            this.sequence = sequence;
        }

        void start() {
            timers.deadlines.within(result, timers.requestTimeout, () -> mayHaveCommitted
                    ? new OutcomeUnknownException("no copy of append " + sequence + " of session " + id
                    + " was seen to commit within " + timers.requestTimeout + "; it may still take effect, once at"
                    + " most")
                    : new NotLeaderException("no leader took append " + sequence + " of session " + id + " within "
                    + timers.requestTimeout + "; it did not take effect", lastRefusal == null ? null
                    : lastRefusal.leaderAddress()));
            attempt();
        }

        void attempt() {
            if (result.isDone()) {
                return;
            }
            lastSentNanos = System.nanoTime();
            // A fresh copy per attempt: the leader stamps the bytes it appends, and an earlier attempt's copy may
            // still be on its way to disk or to followers.
            CompletableFuture<io.kayak.core.Entry> attempt = timers.deadlines.within(log.attempt(entry.clone()),
                    timers.attemptTimeout, () -> new OutcomeUnknownException("attempt unanswered"));
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
            CompletableFuture<Void> led = timers.state.whenLeaderKnown();
            result.whenComplete((v, t) -> led.cancel(false));
            led.whenComplete((v, error) -> {
                if (error instanceof ClosedException e) {
                    result.completeExceptionally(e);
                } else if (error == null) {
                    timers.deadlines.after(timers.settleNanos, this::attempt, this::closedUnderneath);
                }
            });
        }

        private void closedUnderneath() {
            result.completeExceptionally(new ClosedException("the host is closed"));
        }
    }

    /** Failures that no retry can change. */
    private static boolean isFinal(Throwable cause) {
        return cause instanceof SessionExpiredException || cause instanceof EntryTooLargeException
                || cause instanceof ClosedException || cause instanceof MemberRemovedException
                || cause instanceof java.util.concurrent.CancellationException
                || (cause instanceof io.kayak.KayakException k && k.getClass() == io.kayak.KayakException.class);
    }

    /** Sends a keep-alive whenever a quarter of the session timeout passes with nothing sent. */
    private void scheduleKeepAlive() {
        timers.deadlines.after(timers.keepAliveNanos, () -> {
            if (closed.get()) {
                return;
            }
            if (System.nanoTime() - lastSentNanos >= timers.keepAliveNanos) {
                lastSentNanos = System.nanoTime();
                Long first = unanswered.isEmpty() ? nextSequence.get() : unanswered.first();
                // Best effort: a lost keep-alive is made up by the next one, long before the session could expire.
                log.attempt(Envelope.keepAlive(id, first));
            }
            scheduleKeepAlive();
        }, () -> { });
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // Appends in flight keep their retries; the end is appended only once they have their outcomes, so that
        // none of them is refused for a session closed under it.
        waitForInFlight().whenComplete((v, t) -> {
            try {
                log.attempt(Envelope.close(id));
            } catch (RuntimeException ignored) {
                // best effort: an unclosed session expires
            }
        });
    }

    private CompletableFuture<Void> waitForInFlight() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        pollInFlight(done);
        return done;
    }

    private void pollInFlight(CompletableFuture<Void> done) {
        if (unanswered.isEmpty()) {
            done.complete(null);
        } else {
            timers.deadlines.after(timers.settleNanos, () -> pollInFlight(done), () -> done.complete(null));
        }
    }

    @Override
    public String toString() {
        return "Session{" + id + ", " + unanswered.size() + " in flight}";
    }
}
