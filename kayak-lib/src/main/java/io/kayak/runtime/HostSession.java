package io.kayak.runtime;

import io.kayak.ClosedException;
import io.kayak.Entry;
import io.kayak.EntryKind;
import io.kayak.EntryTooLargeException;
import io.kayak.OverloadedException;
import io.kayak.Session;
import io.kayak.core.session.Envelope;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

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
    /** Sequences handed out, and those whose outcome this session has not yet delivered. */
    private final UnansweredSequences unanswered = new UnansweredSequences();
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
        if (unanswered.waiting() >= MAX_IN_FLIGHT) {
            return CompletableFuture.failedFuture(new OverloadedException("session " + id + " has " + MAX_IN_FLIGHT
                    + " appends in flight"));
        }
        OverloadedException overloaded = log.admit(payload.length);
        if (overloaded != null) {
            return CompletableFuture.failedFuture(overloaded);
        }
        long sequence = unanswered.take();
        byte[] entry = Envelope.append(id, sequence, unanswered.first(), payload);
        CompletableFuture<io.kayak.core.Entry> result = SessionAppend.send(log, timers, entry, id, sequence);
        lastSentNanos = System.nanoTime();
        // Answered before the caller's callbacks run, so that an append made from a callback already reports this
        // sequence as answered (and the table can forget its outcome).
        return result.whenComplete((e, t) -> {
            unanswered.answer(sequence);
            log.release(payload.length);
        }).thenApply(e -> Entry.copyOf(e.index(), e.term(), EntryKind.NORMAL, entry,
                Envelope.APPEND_HEADER, payload.length));
    }

    /** Sends a keep-alive whenever a quarter of the session timeout passes with nothing sent. */
    private void scheduleKeepAlive() {
        timers.deadlines.after(timers.keepAliveNanos, () -> {
            if (closed.get()) {
                return;
            }
            try {
                if (System.nanoTime() - lastSentNanos >= timers.keepAliveNanos) {
                    lastSentNanos = System.nanoTime();
                    // Best effort: a lost keep-alive is made up by the next one, long before the session expires.
                    log.attempt(Envelope.keepAlive(id, unanswered.first()));
                }
            } finally {
                scheduleKeepAlive();
            }
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
        if (unanswered.waiting() == 0) {
            done.complete(null);
        } else {
            timers.deadlines.after(timers.settleNanos, () -> pollInFlight(done), () -> done.complete(null));
        }
    }

    @Override
    public String toString() {
        return "Session{" + id + ", " + unanswered.waiting() + " in flight}";
    }
}
