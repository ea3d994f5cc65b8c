package io.kayak.runtime;

import io.kayak.ClosedException;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the raft loop in turns on one executor that runs one task at a time (an event loop, or a single-threaded
 * executor): other threads post tasks to an inbox, and one turn is queued for however many tasks arrive before it
 * runs. Knows nothing of Raft: the loop gives it the body of a turn and what to do last.
 *
 * <p>Turns stop for good with {@link #stop}; tasks posted afterwards are refused ({@link #post}) or dropped
 * ({@link #postQuietly}).
 */
final class LoopTurns {
    /** Tasks per turn at most, so that a turn's other work (Readies) keeps flowing under a flood. */
    private static final int TASKS_PER_TURN = 100_000;

    private final Runnable turn;
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    /** Whether a turn is queued on the executor and has not started draining the inbox yet. */
    private final AtomicBoolean turnQueued = new AtomicBoolean();
    /** Completed once the last task ran (after {@link #stop}). */
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    /** The executor turns run on; null until {@link #start}. */
    private volatile ScheduledExecutorService executor;
    /** The thread of that executor, once its first task ran. */
    private volatile Thread thread;
    private volatile boolean running = true;

    /** @param turn one turn, run on the executor; it calls {@link #runInbox()} to run the posted tasks */
    LoopTurns(Runnable turn) {
        this.turn = turn;
    }

    /** Starts running turns on {@code loopExecutor}; {@code first} runs first, on it. */
    void start(ScheduledExecutorService loopExecutor, Runnable first) {
        loopExecutor.execute(() -> {
            thread = Thread.currentThread();
            executor = loopExecutor;
            first.run();
            runTurn();
        });
    }

    /** Whether the calling thread is the one turns run on. */
    boolean onLoopThread() {
        return Thread.currentThread() == thread;
    }

    /** Whether turns still run. */
    boolean running() {
        return running;
    }

    /** Runs {@code task} in a turn after the ones already queued; refused once the turns have stopped. */
    void post(Runnable task) {
        if (!running) {
            throw new ClosedException("the host is closed");
        }
        inbox.add(task);
        queueTurn();
    }

    /** Like {@link #post}, but once the turns have stopped the task is dropped. */
    void postQuietly(Runnable task) {
        if (running) {
            inbox.add(task);
            queueTurn();
        }
    }

    /** Runs the posted tasks, a bounded number of them; called by the turn. */
    void runInbox() {
        Runnable task;
        for (int budget = TASKS_PER_TURN; budget > 0 && (task = inbox.poll()) != null; budget--) {
            task.run();
        }
    }

    /** Queues another turn if tasks are left over; called at the end of a turn. */
    void continueIfBusy() {
        if (!inbox.isEmpty()) {
            queueTurn();
        }
    }

    /** Runs a turn now (a timer fired); the turn itself checks {@link #running()}. */
    void runTurn() {
        turnQueued.set(false);
        if (running) {
            turn.run();
        }
    }

    /** Queues one turn unless one is queued already; before {@link #start} the first turn will find the task. */
    private void queueTurn() {
        ScheduledExecutorService loopExecutor = executor;
        if (loopExecutor != null && turnQueued.compareAndSet(false, true)) {
            try {
                loopExecutor.execute(this::runTurn);
            } catch (RejectedExecutionException stopping) {
                turnQueued.set(false); // the executor is shutting down with the host: nothing runs any more
            }
        }
    }

    /**
     * Runs {@code task} on the executor after the tasks queued so far; at once if the executor takes no more tasks
     * (its network is closing with the host), so that nothing handed over is lost on the way out.
     */
    void runAfterQueued(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException closing) {
            task.run();
        }
    }

    /** Schedules {@code task} on the executor; null when the closing executor refuses it (it is not needed). */
    ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
        try {
            return executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            return null;
        }
    }

    /**
     * Stops the turns. {@code last} runs once, on the executor when there is one (at once otherwise), after the
     * posted tasks still queued have run; then {@link #finished()} completes. Callable from any thread.
     */
    void stop(Runnable last) {
        running = false;
        Runnable finish = () -> finish(last);
        ScheduledExecutorService loopExecutor = executor;
        if (loopExecutor == null) {
            finish.run(); // never started: nothing else touches the loop's state
            return;
        }
        try {
            loopExecutor.execute(finish);
        } catch (RejectedExecutionException gone) {
            finish.run(); // the executor is gone, and with it every turn
        }
    }

    private void finish(Runnable last) {
        if (finished.isDone()) {
            return;
        }
        running = false;
        Runnable task;
        while ((task = inbox.poll()) != null) {
            try {
                task.run(); // tasks only register requests, which the last task fails
            } catch (RuntimeException ignored) {
                // the member is going away
            }
        }
        last.run();
        finished.complete(null);
    }

    /** Completes once the turns have stopped and the last task ran. */
    CompletableFuture<Void> finished() {
        return finished;
    }
}
