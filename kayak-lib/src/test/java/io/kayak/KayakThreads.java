package io.kayak;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The threads a host creates all carry names starting with {@code kayak-} (its raft, writer, dispatch, deadline,
 * snapshot and compaction threads, the transport's Netty event loops {@code kayak-net-*}, the shared segment
 * preallocator): tests compare them before and after to find threads left behind.
 */
final class KayakThreads {
    private KayakThreads() {
    }

    /** The live threads named {@code kayak-*} now. */
    static Set<Thread> live() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("kayak-")).collect(Collectors.toSet());
    }

    /** The names of the live {@code kayak-*} threads that were not alive in {@code before}. */
    static List<String> startedSince(Set<Thread> before) {
        return live().stream().filter(t -> !before.contains(t)).map(Thread::getName).sorted().toList();
    }
}
