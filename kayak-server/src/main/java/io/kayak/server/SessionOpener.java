package io.kayak.server;

import io.kayak.ClosedException;
import io.kayak.Host;
import io.kayak.KayakException;
import io.kayak.MemberRemovedException;
import io.kayak.NotLeaderException;
import io.kayak.OverloadedException;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Opens client sessions for {@code POST /v1/sessions}. {@code log.openClientSession()} blocks until the session's
 * opening commits (up to the request timeout), and a client port's event loop must never block, so openings run on
 * a few threads of their own; more than they and a short queue can take are refused as
 * {@link Failure.Kind#UNAVAILABLE} rather than queued without bound.
 */
final class SessionOpener implements AutoCloseable {
    private static final int THREADS = 4;
    private static final int QUEUED = 64;

    private final Host host;
    private final KvService kv;
    private final ThreadPoolExecutor executor;

    SessionOpener(Host host, KvService kv) {
        this.host = host;
        this.kv = kv;
        this.executor = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUED), r -> {
                    Thread t = new Thread(r, "kv-session-open-" + host.id());
                    t.setDaemon(true);
                    return t;
                });
        executor.allowCoreThreadTimeOut(true);
    }

    /** Completes with the new session's id, or fails with a {@link Failure}. */
    CompletableFuture<Long> open() {
        try {
            return CompletableFuture.supplyAsync(this::openNow, executor);
        } catch (RejectedExecutionException busy) {
            return CompletableFuture.failedFuture(new Failure(Failure.Kind.UNAVAILABLE,
                    "overloaded: too many sessions being opened at once", kv.leaderAddress(null)));
        }
    }

    private long openNow() {
        try {
            return host.log().openClientSession();
        } catch (NotLeaderException e) {
            throw new Failure(Failure.Kind.UNAVAILABLE, "no leader: " + e.getMessage(), kv.leaderAddress(e));
        } catch (OverloadedException e) {
            throw new Failure(Failure.Kind.UNAVAILABLE, "overloaded: " + e.getMessage(), kv.leaderAddress(null));
        } catch (ClosedException | MemberRemovedException e) {
            throw new Failure(Failure.Kind.UNAVAILABLE, e.getMessage(), null);
        } catch (KayakException e) {
            // Outcome unknown: a session the opening may still open expires unused. Harmless, but not "nothing was
            // written".
            throw new Failure(Failure.Kind.OUTCOME_UNKNOWN, "outcome unknown: the session's opening did not commit"
                    + " in time; open another");
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
