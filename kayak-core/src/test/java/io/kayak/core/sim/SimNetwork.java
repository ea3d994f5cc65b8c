package io.kayak.core.sim;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

/**
 * The simulated network's fault model: per-link blocking (symmetric or one-way partitions), and global drop,
 * duplication and delay settings. Delivery itself is scheduled by {@link Simulation}; reordering comes from the
 * random delays.
 */
final class SimNetwork {
    private final Random random;
    private final Set<String> blocked = new HashSet<>();
    double dropRate;
    double duplicateRate;
    int minDelay = 1;
    int maxDelay = 4;

    SimNetwork(Random random) {
        this.random = random;
    }

    private static String link(String from, String to) {
        return from + "->" + to;
    }

    void block(String from, String to) {
        blocked.add(link(from, to));
    }

    void unblock(String from, String to) {
        blocked.remove(link(from, to));
    }

    boolean isBlocked(String from, String to) {
        return blocked.contains(link(from, to));
    }

    void healAll() {
        blocked.clear();
        dropRate = 0;
        duplicateRate = 0;
        minDelay = 1;
        maxDelay = 4;
    }

    boolean hasBlockedLinks() {
        return !blocked.isEmpty();
    }

    /** Whether a message sent now is lost (the link is cut, or it is dropped at random). */
    boolean drops(String from, String to) {
        return isBlocked(from, to) || (dropRate > 0 && random.nextDouble() < dropRate);
    }

    boolean duplicates() {
        return duplicateRate > 0 && random.nextDouble() < duplicateRate;
    }

    long delay() {
        return minDelay + random.nextInt(maxDelay - minDelay + 1);
    }
}
