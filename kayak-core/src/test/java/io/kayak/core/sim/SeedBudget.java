package io.kayak.core.sim;

/**
 * What one seed may spend before it counts as a liveness failure: processed events, simulated time after healing,
 * and wall-clock time. A livelock (members rejecting and resending forever, duplicated messages multiplying the
 * loop) otherwise runs a seed for ever without a word; with a budget it fails fast and names its seed. The caps
 * are generous multiples of what 1,000 seeds measured (see docs/simulator.md); each can be overridden for
 * debugging.
 */
record SeedBudget(long maxEvents, long convergeMillis, long wallMillis) {
    /** Measured over seeds 0-999: at most 185,497 events in a seed (275,107 in seeds
     * 1-1200); the cap leaves seven times the larger. */
    static final long DEFAULT_MAX_EVENTS = 2_000_000;
    /** Measured: convergence within 3,333 simulated ms after healing at worst; the cap leaves nine times that. */
    static final long DEFAULT_CONVERGE_MILLIS = 30_000;
    /** Measured: 63 ms of wall time per seed on average; the cap leaves room for a loaded machine and a slow seed. */
    static final long DEFAULT_WALL_MILLIS = 60_000;

    /** The caps, each overridable by a system property (kayak.sim.maxEvents, kayak.sim.wallSeconds). */
    static SeedBudget configured() {
        return new SeedBudget(Long.getLong("kayak.sim.maxEvents", DEFAULT_MAX_EVENTS), DEFAULT_CONVERGE_MILLIS,
                Long.getLong("kayak.sim.wallSeconds", DEFAULT_WALL_MILLIS / 1000) * 1000);
    }

    /** Throws a liveness failure once {@code events} exceeds the cap. */
    void checkEvents(long events, long now) {
        if (events > maxEvents) {
            throw new IllegalStateException("liveness: event budget exceeded: " + events + " events by simulated"
                    + " time " + now + " ms (cap " + maxEvents + ")");
        }
    }
}
