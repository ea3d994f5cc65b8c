package io.kayak;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Linearizable reads. The application applies committed entries to its state and reports progress with
 * {@link #ack}; a read then goes: {@link #barrier()} (ReadIndex: the leader confirms with a quorum that it still
 * leads and returns its commit index), wait with {@link #sync} until the application has applied that index, read
 * local state. Such a read observes every write that committed before the barrier was asked. Works on any member.
 */
public interface Sync {
    /**
     * The read barrier: completes with an index that covers every write committed before the call. Waits for a
     * leader while an election runs. Fails with {@link NotLeaderException} when no leader could confirm it within
     * {@link HostOptions#requestTimeout()}, with {@link RequestTimeoutException} when a leader did not answer in
     * time (both safe to retry), and with {@link ClosedException} / {@link MemberRemovedException} on a closed /
     * removed host.
     */
    CompletableFuture<Long> barrier();

    /** The application reports it has applied every entry up to {@code index}. Values below the current are ignored. */
    void ack(long index);

    /** The highest index acknowledged with {@link #ack}. */
    long acked();

    /**
     * Completes once {@link #ack} has reached {@code index}, on the thread that made that {@code ack} (usually the
     * application's applier: keep dependent callbacks short, or move them to an executor of your own); it waits for
     * the application without a deadline of its own. Fails with {@link ClosedException} when the host closes
     * first.
     */
    CompletableFuture<Void> sync(long index);

    /**
     * Barrier, then wait for the application, then {@code read} on the completing thread; fails as
     * {@link #barrier()} does.
     *
     * @throws NullPointerException when {@code read} is null
     */
    default <T> CompletableFuture<T> read(Supplier<T> read) {
        java.util.Objects.requireNonNull(read, "read");
        return barrier().thenCompose(this::sync).thenApply(ignored -> read.get());
    }
}
