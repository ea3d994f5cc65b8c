package io.kayak.core.sim;

/**
 * An invariant was violated (or liveness was not reached). The message names the seed, the command that replays
 * it exactly, and the last events before the failure.
 */
public final class SimulationFailure extends AssertionError {
    private static final long serialVersionUID = 1L;

    SimulationFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
