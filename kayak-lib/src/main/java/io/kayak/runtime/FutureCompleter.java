package io.kayak.runtime;

import io.kayak.Completion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Runs the raft loop's completions of application futures where {@link Completion} says: as tasks of the dispatch
 * thread, or on the loop itself after the turn's sends. On the loop, a batch whose callbacks held it for longer than
 * a heartbeat interval is logged, at most once a minute, since such callbacks delay the member's heartbeats.
 */
final class FutureCompleter {
    private static final Logger LOG = LoggerFactory.getLogger(FutureCompleter.class);
    private static final long WARN_EVERY_NANOS = 60_000_000_000L;

    private final String memberId;
    private final Completion where;
    private final Executor dispatch;
    private final Consumer<Runnable> afterTurn;
    private final long slowNanos;
    /** When the last warning was logged; set so that the first slow batch is logged at once. */
    private long lastWarning = System.nanoTime() - WARN_EVERY_NANOS;

    /**
     * @param afterTurn runs a task on the loop after the tasks it has queued so far
     * @param slowNanos how long callbacks may hold the loop before a warning (a heartbeat interval)
     */
    FutureCompleter(String memberId, Completion where, Executor dispatch, Consumer<Runnable> afterTurn,
                    long slowNanos) {
        this.memberId = memberId;
        this.where = where;
        this.dispatch = dispatch;
        this.afterTurn = afterTurn;
        this.slowNanos = slowNanos;
    }

    /** Runs {@code completions}, which complete futures and so run whatever callbacks the application chained. */
    void run(Runnable completions) {
        if (where == Completion.DISPATCH_THREAD) {
            try {
                dispatch.execute(completions);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                completions.run(); // the host is closing: the outcome still reaches the caller
            }
        } else {
            afterTurn.accept(() -> timed(completions));
        }
    }

    private void timed(Runnable completions) {
        long start = System.nanoTime();
        completions.run();
        long end = System.nanoTime();
        if (end - start > slowNanos && end - lastWarning >= WARN_EVERY_NANOS) {
            lastWarning = end;
            LOG.warn("{}: completing futures held the event loop for {} ms (Completion.EVENT_LOOP; a JVM pause"
                    + " counts too): their callbacks delay this member's heartbeats and replication; keep them short"
                    + " and non-blocking, or use Completion.DISPATCH_THREAD", memberId, (end - start) / 1_000_000);
        }
    }
}
