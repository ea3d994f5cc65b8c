package io.kayak.runtime;

import io.kayak.ClosedException;
import java.util.concurrent.RejectedExecutionException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Fails futures that take too long, with the typed exception the API documents for each kind of request. */
final class Deadlines implements AutoCloseable {
    private final ScheduledExecutorService timer;

    Deadlines(String name) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        // Nearly every request completes long before its deadline. Without this, each cancelled timeout stays in
        // the timer's heap until it would have fired: at tens of thousands of appends per second that is hundreds
        // of thousands of live tasks, a deep heap to sift on every schedule, and objects that survive young
        // collections only to be copied and promoted.
        executor.setRemoveOnCancelPolicy(true);
        this.timer = executor;
    }

    /** Completes {@code future} with {@code error} unless it completes within {@code timeout}. */
    <T> CompletableFuture<T> within(CompletableFuture<T> future, Duration timeout,
                                    Supplier<? extends RuntimeException> error) {
        ScheduledFuture<?> task;
        try {
            task = timer.schedule(() -> {
                future.completeExceptionally(error.get());
            }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
            future.completeExceptionally(new ClosedException("the host is closed"));
            return future;
        }
        future.whenComplete((v, t) -> task.cancel(false));
        return future;
    }

    /**
     * Runs {@code task} after {@code delayNanos}; if the host has closed meanwhile, runs {@code closed} at once
     * instead.
     */
    void after(long delayNanos, Runnable task, Runnable closed) {
        try {
            timer.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            closed.run();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
