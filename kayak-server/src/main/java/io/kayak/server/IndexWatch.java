package io.kayak.server;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Supplier;

/**
 * Futures that complete once an index grows to a given value: any number of waiters per index, each answered once,
 * whichever of {@link #await} and {@link #reached} runs first.
 */
final class IndexWatch {
    private final ConcurrentSkipListMap<Long, CompletableFuture<Void>> waiters = new ConcurrentSkipListMap<>();
    private volatile long reached;
    private volatile Supplier<RuntimeException> closed;

    /** Completes once the index is at least {@code index}; fails with the closing error if the watch closes first. */
    CompletableFuture<Void> await(long index) {
        CompletableFuture<Void> shared = waiters.computeIfAbsent(index, i -> new CompletableFuture<>());
        // Registered before looking: a `reached` that moved past index before the look finds it done here, and one
        // that moves after it finds the future in the map.
        if (reached >= index) {
            complete(index);
        } else if (closed != null) {
            fail();
        }
        // A copy per caller: one caller's timeout must not fail the others.
        return shared.thenApply(done -> null);
    }

    /** The index is now {@code index} (never lower than before). */
    void reached(long index) {
        reached = index;
        complete(index);
    }

    private void complete(long upTo) {
        ConcurrentNavigableMap<Long, CompletableFuture<Void>> due = waiters.headMap(upTo, true);
        for (Map.Entry<Long, CompletableFuture<Void>> e : due.entrySet()) {
            if (waiters.remove(e.getKey(), e.getValue())) {
                e.getValue().complete(null);
            }
        }
    }

    /** Fails every waiter, now and later, with {@code error}'s exceptions. */
    void close(Supplier<RuntimeException> error) {
        closed = error;
        fail();
    }

    private void fail() {
        for (Long index : waiters.keySet()) {
            CompletableFuture<Void> f = waiters.remove(index);
            if (f != null) {
                f.completeExceptionally(closed.get());
            }
        }
    }
}
