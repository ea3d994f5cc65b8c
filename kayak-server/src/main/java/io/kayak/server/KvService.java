package io.kayak.server;

import io.kayak.Host;
import io.kayak.Member;
import io.kayak.EntryTooLargeException;
import io.kayak.MemberRemovedException;
import io.kayak.NotLeaderException;
import io.kayak.OverloadedException;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The key-value operations both protocols serve, with their consistency and failure rules in one place.
 *
 * <p>Writes append a {@link Command} (from any member: Kayak forwards to the leader), then wait until this member
 * has applied it and answer with the outcome computed there. A write fails as {@link Failure.Kind#UNAVAILABLE} only
 * when Kayak says nothing was appended ({@link NotLeaderException}, {@link OverloadedException}); every other
 * failure after the append was asked is {@link Failure.Kind#OUTCOME_UNKNOWN}, because the entry may still commit.
 *
 * <p>Reads are linearizable by default (barrier, then wait until applied, then read); local reads return this
 * member's state at once, possibly stale.
 */
public final class KvService {
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
        return write(key, value, () -> new Command.Put(key, value));
    }

    public CompletableFuture<Outcome> compareAndSet(Bytes key, Bytes expected, Bytes value) {
        return write(key, value, () -> new Command.Cas(key, expected, value));
    }

    public CompletableFuture<Outcome> delete(Bytes key) {
        return write(key, null, () -> new Command.Delete(key));
    }

    public CompletableFuture<Outcome> increment(Bytes key) {
        return write(key, null, () -> new Command.Incr(key));
    }

    /** Publishes this member's client addresses to every member. */
    public CompletableFuture<Outcome> register(String http, String resp) {
        return submit(new Command.Register(host.id(), http, resp == null ? "" : resp));
    }

    private CompletableFuture<Outcome> write(Bytes key, Bytes value, java.util.function.Supplier<Command> command) {
        try {
            limits.checkKey(key);
            if (value != null) {
                limits.checkValue(value);
            }
        } catch (Failure f) {
            return CompletableFuture.failedFuture(f);
        }
        return submit(command.get());
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
