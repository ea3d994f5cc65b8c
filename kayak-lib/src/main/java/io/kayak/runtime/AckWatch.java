package io.kayak.runtime;

import io.kayak.ClosedException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/** The application's applied index ({@link io.kayak.Sync#ack}) and the futures waiting for it to reach a value. */
final class AckWatch {
    private volatile long acked;
    private final TreeMap<Long, List<CompletableFuture<Void>>> waiters = new TreeMap<>();
    private boolean closed;

    long get() {
        return acked;
    }

    void ack(long index) {
        if (index <= acked) {
            return;
        }
        List<CompletableFuture<Void>> ready = new ArrayList<>();
        synchronized (this) {
            if (index <= acked) {
                return;
            }
            acked = index;
            Map<Long, List<CompletableFuture<Void>>> reached = waiters.headMap(index, true);
            reached.values().forEach(ready::addAll);
            reached.clear();
        }
        // Completed outside the lock: callbacks may run here.
        ready.forEach(f -> f.complete(null));
    }

    CompletableFuture<Void> await(long index) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        synchronized (this) {
            if (acked < index && !closed) {
                waiters.computeIfAbsent(index, k -> new ArrayList<>()).add(f);
                return f;
            }
        }
        if (acked >= index) {
            f.complete(null);
        } else {
            f.completeExceptionally(new ClosedException("the host is closed"));
        }
        return f;
    }

    void close() {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        synchronized (this) {
            closed = true;
            waiters.values().forEach(all::addAll);
            waiters.clear();
        }
        all.forEach(f -> f.completeExceptionally(new ClosedException("the host is closed")));
    }
}
