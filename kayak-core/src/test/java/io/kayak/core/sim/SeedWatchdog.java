package io.kayak.core.sim;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one seed on a worker thread and gives up on it after the wall-clock budget. The event budget catches loops
 * that keep the simulated clock busy; this catches a loop inside one event (a core call that never returns), where
 * no simulator check gets a chance to run. The abandoned worker is a daemon and cannot keep the JVM alive.
 */
final class SeedWatchdog {
    private SeedWatchdog() {
    }

    static Simulation.Result run(long seed, SeedBudget budget) {
        Simulation simulation = new Simulation(Simulation.Settings.forSeed(seed), budget);
        return within(seed, budget.wallMillis(), simulation::run);
    }

    /** Runs {@code work} for {@code seed}, failing it as a liveness failure if it outlasts {@code wallMillis}. */
    static <T> T within(long seed, long wallMillis, Callable<T> work) {
        FutureTask<T> task = new FutureTask<>(work);
        Thread worker = new Thread(task, "sim-seed-" + seed);
        worker.setDaemon(true);
        worker.start();
        try {
            return await(task, wallMillis);
        } catch (TimeoutException e) {
            StringBuilder where = new StringBuilder();
            for (StackTraceElement frame : worker.getStackTrace()) {
                where.append("\n      at ").append(frame);
            }
            throw new SimulationFailure("simulation failed: liveness: wall-clock budget exceeded: seed " + seed
                    + " still running after " + wallMillis + " ms\n  seed " + seed + "\n  replay: "
                    + Simulation.replayCommand(seed) + "\n  the seed's thread is at:" + where, null);
        }
    }

    private static <T> T await(Future<T> task, long millis) throws TimeoutException {
        try {
            return task.get(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a seed ran", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw new IllegalStateException(cause);
        }
    }
}
