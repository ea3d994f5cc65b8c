package io.kayak.core;

/**
 * A seeded pseudo-random source (SplitMix64). The core draws its randomized election timeouts from it, so that
 * given the same seed and inputs it behaves identically every time.
 */
final class DeterministicRandom {
    private long state;

    DeterministicRandom(long seed) {
        this.state = seed;
    }

    long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A uniform value in {@code [0, bound)}. */
    int nextInt(int bound) {
        return (int) Long.remainderUnsigned(nextLong(), bound);
    }
}
