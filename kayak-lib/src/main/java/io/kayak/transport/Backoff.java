package io.kayak.transport;

import java.util.random.RandomGenerator;

/**
 * Reconnect delays: exponential from {@code min} to {@code max}, each drawn uniformly from the upper half of the
 * current step ("equal jitter") so that members restarted together do not reconnect in lockstep, yet no delay
 * is ever shorter than half a step. Not thread-safe: one per peer, used on that peer's event loop.
 */
final class Backoff {
    private final long minMillis;
    private final long maxMillis;
    private final RandomGenerator random;
    private long stepMillis;

    Backoff(long minMillis, long maxMillis, RandomGenerator random) {
        if (minMillis < 1 || maxMillis < minMillis) {
            throw new IllegalArgumentException("need 1 <= min <= max, got " + minMillis + ", " + maxMillis);
        }
        this.minMillis = minMillis;
        this.maxMillis = maxMillis;
        this.random = random;
        this.stepMillis = minMillis;
    }

    /** The delay before the next attempt; each call doubles the step up to the maximum. */
    long nextDelayMillis() {
        long step = stepMillis;
        stepMillis = Math.min(maxMillis, step * 2);
        long half = step / 2;
        return step - half + random.nextLong(half + 1);
    }

    /** Called once a connection succeeded, so the next outage starts from the minimum again. */
    void reset() {
        stepMillis = minMillis;
    }
}
