package io.kayak.server;

import io.kayak.Entry;
import io.kayak.Host;
import io.kayak.KayakException;
import io.kayak.Member;
import io.kayak.EntryTooLargeException;
import io.kayak.MemberRemovedException;
import io.kayak.NotLeaderException;
import io.kayak.OverloadedException;
import io.kayak.SessionExpiredException;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The key-value operations both protocols serve, with their consistency and failure rules in one place.
 *
 * <p>Writes append a {@link Command} (from any member: Kayak forwards to the leader), then wait until this member
 * has applied it and answer with the outcome computed there. A write fails as {@link Failure.Kind#UNAVAILABLE} only
 * when Kayak says nothing was appended ({@link NotLeaderException}, {@link OverloadedException}); every other
 * failure after the append was asked is {@link Failure.Kind#OUTCOME_UNKNOWN}, because the entry may still commit.
 *
 * <p>A write made in a client session ({@link SessionSequence}) goes through {@code log.appendInSession} instead:
 * however often it is sent, it takes effect at most once, and every copy is answered with the result the first had
 * ({@link StateMachine#sessionOutcome}). Its failures add {@link Failure.Kind#SESSION_EXPIRED} and
 * {@link Failure.Kind#SEQUENCE_REFUSED}, and its {@link Failure.Kind#OUTCOME_UNKNOWN} invites a retry with the same
 * numbers.
 *
 * <p>Reads are linearizable by default (barrier, then wait until applied, then read); local reads return this
 * member's state at once, possibly stale.
 */
public final class KvService {
    /** A session write's 504: unlike a plain write's, it is safe to send again. */
    private static final String SESSION_OUTCOME_UNKNOWN = "outcome unknown: send it again with the same session and"
            + " sequence (it takes effect at most once)";

    private final Host host;
    private final StateMachine machine;
    private final Limits limits;
    private final Duration applyTimeout;

    public KvService(Host host, StateMachine machine, Limits limits, Duration applyTimeout) {
        this.host = host;
        this.machine = machine;
        this.limits = limits;
        this.applyTimeout = applyTimeout;
    }

    public Limits limits() {
        return limits;
    }

    /** Reads {@code key}: linearizable unless {@code local}. */
    public CompletableFuture<Optional<Bytes>> get(Bytes key, boolean local) {
        try {
            limits.checkKey(key);
        } catch (Failure f) {
            return CompletableFuture.failedFuture(f);
        }
        if (local) {
            return CompletableFuture.completedFuture(machine.store().get(key));
        }
        return host.sync().read(() -> machine.store().get(key))
                .handle((value, error) -> {
                    if (error != null) {
                        // A read changes nothing, so any failure is safe to retry.
                        throw readFailure(unwrap(error));
                    }
                    return value;
                });
    }

    /** Whether {@code key} exists (same consistency as {@link #get}). */
    public CompletableFuture<Boolean> exists(Bytes key, boolean local) {
        return get(key, local).thenApply(Optional::isPresent);
    }

    public CompletableFuture<Outcome> put(Bytes key, Bytes value) {
        return put(key, value, null);
    }

    /** Sets {@code key} to {@code value}, in session write {@code at} unless it is {@code null}. */
    public CompletableFuture<Outcome> put(Bytes key, Bytes value, SessionSequence at) {
        return write(key, value, at, () -> new Command.Put(key, value));
    }

    public CompletableFuture<Outcome> compareAndSet(Bytes key, Bytes expected, Bytes value) {
        return compareAndSet(key, expected, value, null);
    }

    /** Compare-and-set, in session write {@code at} unless it is {@code null}. */
    public CompletableFuture<Outcome> compareAndSet(Bytes key, Bytes expected, Bytes value, SessionSequence at) {
        return write(key, value, at, () -> new Command.Cas(key, expected, value));
    }

    public CompletableFuture<Outcome> delete(Bytes key) {
        return delete(key, null);
    }

    /** Removes {@code key}, in session write {@code at} unless it is {@code null}. */
    public CompletableFuture<Outcome> delete(Bytes key, SessionSequence at) {
        return write(key, null, at, () -> new Command.Delete(key));
    }

    public CompletableFuture<Outcome> increment(Bytes key) {
        return increment(key, null);
    }

    /** Adds one to the number at {@code key}, in session write {@code at} unless it is {@code null}. */
    public CompletableFuture<Outcome> increment(Bytes key, SessionSequence at) {
        return write(key, null, at, () -> new Command.Incr(key));
    }

    /** Publishes this member's client addresses to every member. */
    public CompletableFuture<Outcome> register(String http, String resp) {
        return submit(new Command.Register(host.id(), http, resp == null ? "" : resp));
    }

    private CompletableFuture<Outcome> write(Bytes key, Bytes value, SessionSequence at, Supplier<Command> command) {
        try {
            limits.checkKey(key);
            if (value != null) {
                limits.checkValue(value);
            }
        } catch (Failure f) {
            return CompletableFuture.failedFuture(f);
        }
        return at == null ? submit(command.get()) : submitInSession(at, command.get());
    }

    /**
     * Appends {@code write} as session write {@code at}, then answers with the result remembered for {@code at}
     * once this member has applied the index where its first copy committed (this copy's own, or an earlier one's).
     */
    private CompletableFuture<Outcome> submitInSession(SessionSequence at, Command write) {
        // The command carries the numbers itself: listeners see the payload without the library's envelope.
        byte[] payload = new Command.SessionWrite(at, write).encode();
        CompletableFuture<Outcome> result = new CompletableFuture<>();
        CompletableFuture<Entry> appended;
        try {
            appended = host.log().appendInSession(at.session(), at.sequence(), at.firstUnanswered(), payload);
        } catch (RuntimeException refused) {
            appended = CompletableFuture.failedFuture(refused);
        }
        appended.whenComplete((entry, error) -> {
            if (error != null) {
                result.completeExceptionally(sessionWriteFailure(unwrap(error)));
                return;
            }
            machine.sessionOutcome(at, entry.index())
                    .orTimeout(applyTimeout.toMillis(), TimeUnit.MILLISECONDS)
                    .whenComplete((remembered, late) -> {
                        if (late != null) {
                            result.completeExceptionally(new Failure(Failure.Kind.OUTCOME_UNKNOWN,
                                    SESSION_OUTCOME_UNKNOWN));
                        } else if (remembered.isEmpty()) {
                            result.completeExceptionally(new Failure(Failure.Kind.SEQUENCE_REFUSED, "sequence "
                                    + at.sequence() + " of session " + at.session() + " took effect at index "
                                    + entry.index() + ", but its result is no longer remembered"));
                        } else {
                            result.complete(remembered.get());
                        }
                    });
        });
        return result;
    }

    private Failure sessionWriteFailure(Throwable error) {
        if (error instanceof SessionExpiredException e) {
            return new Failure(Failure.Kind.SESSION_EXPIRED, "session expired: " + e.getMessage()
                    + "; the write did not take effect");
        }
        if (error instanceof KayakException e && e.getClass() == KayakException.class) {
            // The library's refusal for good (answered already, too many unanswered) has no type of its own.
            return new Failure(Failure.Kind.SEQUENCE_REFUSED, e.getMessage());
        }
        Failure f = writeFailure(error);
        return f.kind() == Failure.Kind.OUTCOME_UNKNOWN ? new Failure(f.kind(), SESSION_OUTCOME_UNKNOWN) : f;
    }

    private CompletableFuture<Outcome> submit(Command command) {
        CompletableFuture<Outcome> result = new CompletableFuture<>();
        host.log().append(command.encode()).whenComplete((entry, error) -> {
            if (error != null) {
                result.completeExceptionally(writeFailure(unwrap(error)));
                return;
            }
            // Committed: only the wait for the local applier remains, and it cannot make the write fail.
            machine.outcome(entry.index())
                    .orTimeout(applyTimeout.toMillis(), TimeUnit.MILLISECONDS)
                    .whenComplete((outcome, late) -> {
                        if (late != null) {
                            result.completeExceptionally(new Failure(Failure.Kind.OUTCOME_UNKNOWN,
                                    "outcome unknown"));
                        } else {
                            result.complete(outcome);
                        }
                    });
        });
        return result;
    }

    private Failure writeFailure(Throwable error) {
        if (error instanceof Failure f) {
            return f;
        }
        if (error instanceof NotLeaderException e) {
            return new Failure(Failure.Kind.UNAVAILABLE, "no leader: " + e.getMessage(), leaderAddress(e));
        }
        if (error instanceof OverloadedException e) {
            return new Failure(Failure.Kind.UNAVAILABLE, "overloaded: " + e.getMessage(), leaderAddress(null));
        }
        if (error instanceof EntryTooLargeException e) {
            // The command, key and value encoded, exceeds what one log entry may hold: nothing was appended.
            return new Failure(Failure.Kind.TOO_LARGE, e.getMessage());
        }
        if (error instanceof MemberRemovedException e) {
            return new Failure(Failure.Kind.UNAVAILABLE, e.getMessage(), null);
        }
        return new Failure(Failure.Kind.OUTCOME_UNKNOWN, "outcome unknown");
    }

    private Failure readFailure(Throwable error) {
        if (error instanceof Failure f) {
            return f;
        }
        NotLeaderException notLeader = error instanceof NotLeaderException e ? e : null;
        return new Failure(Failure.Kind.UNAVAILABLE, "no leader confirmed the read: " + error.getMessage(),
                leaderAddress(notLeader));
    }

    /** The leader's client (HTTP) address when it registered one, else its peer address, else null. */
    public String leaderAddress(NotLeaderException e) {
        Optional<Member> leader = host.leader();
        if (leader.isPresent()) {
            return machine.store().endpoints(leader.get().id()).map(KvStore.Endpoints::http)
                    .orElse(leader.get().address());
        }
        return e == null ? null : e.leaderAddress();
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
