package io.kayak.runtime;

import io.kayak.ClosedException;
import io.kayak.core.Configuration;
import io.kayak.core.Role;

import java.util.concurrent.CompletableFuture;

/**
 * What the raft thread publishes for other threads to read without asking it: role, term, leader, last index and the
 * configuration in force, plus the host's lifecycle. Each field is a consistent snapshot of one Ready turn.
 */
final class HostState {
    /** One published view. */
    record View(Role role, long term, String leaderId, String leaderAddress, long lastIndex, Configuration config) {
    }

    private volatile View view;
    /** Futures waiting for a given member to be the leader this host knows; touched under this object's lock. */
    private final java.util.List<java.util.Map.Entry<String, CompletableFuture<Void>>> leaderWaiters =
            new java.util.ArrayList<>();
    /** Futures waiting for this host to know any leader; touched under this object's lock. */
    private java.util.List<CompletableFuture<Void>> leaderKnownWaiters = new java.util.ArrayList<>();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    /** Set when the leader says a committed configuration no longer lists this member; cleared if one does again. */
    private volatile boolean removed;
    private volatile java.util.function.Consumer<Boolean> removalListener = value -> { };

    HostState(View initial) {
        this.view = initial;
    }

    View view() {
        return view;
    }

    boolean removed() {
        return removed;
    }

    /** Sets whether this member was removed; a change is passed on to the listener, to be recorded durably. */
    void removed(boolean value) {
        boolean changed;
        synchronized (this) {
            changed = removed != value;
            removed = value;
        }
        if (changed) {
            removalListener.accept(value);
        }
    }

    /** Who learns of changes to {@link #removed()} (the host, to record them in the data directory). */
    void onRemovalChange(java.util.function.Consumer<Boolean> listener) {
        this.removalListener = listener;
    }

    void publish(Role role, long term, String leaderId, String leaderAddress, long lastIndex, Configuration config) {
        View current = view;
        if (current.role() != role || current.term() != term || !java.util.Objects.equals(current.leaderId(), leaderId)
                || !java.util.Objects.equals(current.leaderAddress(), leaderAddress) || current.lastIndex() != lastIndex
                || current.config() != config) {
            view = new View(role, term, leaderId, leaderAddress, lastIndex, config);
            if (current.config() != config) {
                synchronized (this) {
                    notifyAll(); // awaitListed
                }
            }
            if (current.role() != role || !java.util.Objects.equals(current.leaderId(), leaderId)) {
                java.util.List<CompletableFuture<Void>> reached = new java.util.ArrayList<>();
                synchronized (this) {
                    notifyAll();
                    leaderWaiters.removeIf(w -> {
                        if (w.getKey().equals(leaderId) || w.getValue().isDone()) {
                            reached.add(w.getValue());
                            return true;
                        }
                        return false;
                    });
                }
                reached.forEach(f -> f.complete(null));
            }
            if (leaderId != null && current.leaderId() == null) {
                completeLeaderKnownWaiters(null);
            }
        }
    }

    /** Completes once this host knows {@code memberId} as its leader. */
    CompletableFuture<Void> whenLeaderIs(String memberId) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        synchronized (this) {
            if (memberId.equals(view.leaderId())) {
                f.complete(null);
            } else {
                leaderWaiters.add(java.util.Map.entry(memberId, f));
            }
        }
        return f;
    }

    /**
     * Completes once this host knows a leader (at once if it does); fails with {@link ClosedException} if the host
     * stops first. Requests that found no leader wait on it instead of failing.
     */
    CompletableFuture<Void> whenLeaderKnown() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        synchronized (this) {
            if (stopped.isDone()) {
                f.completeExceptionally(new ClosedException("the host is closed"));
            } else if (view.leaderId() != null) {
                f.complete(null);
            } else {
                leaderKnownWaiters.removeIf(CompletableFuture::isDone); // abandoned by requests that timed out
                leaderKnownWaiters.add(f);
            }
        }
        return f;
    }

    private void completeLeaderKnownWaiters(Throwable error) {
        java.util.List<CompletableFuture<Void>> waiting;
        synchronized (this) {
            waiting = leaderKnownWaiters;
            leaderKnownWaiters = new java.util.ArrayList<>();
        }
        for (CompletableFuture<Void> f : waiting) {
            if (error == null) {
                f.complete(null);
            } else {
                f.completeExceptionally(error);
            }
        }
    }

    /** Waits up to {@code nanos} for the role or the known leader to change. */
    synchronized void awaitLeaderChange(long nanos) throws InterruptedException {
        View before = view;
        long deadline = System.nanoTime() + nanos;
        while (view == before || (view.role() == before.role()
                && java.util.Objects.equals(view.leaderId(), before.leaderId()))) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** Waits up to {@code nanos} until this member is no longer the leader; returns whether it is not. */
    synchronized boolean awaitNotLeader(long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        while (view.role() == Role.LEADER) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /**
     * Waits up to {@code nanos} for a configuration listing {@code memberId}, or for the host to stop; returns
     * whether one lists it.
     */
    synchronized boolean awaitListed(String memberId, long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        while (!view.config().contains(memberId) && !stopped.isDone()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return view.config().contains(memberId);
    }

    CompletableFuture<Void> stopped() {
        return stopped;
    }

    void fail(Throwable error) {
        synchronized (this) {
            stopped.completeExceptionally(error);
            notifyAll();
        }
        completeLeaderKnownWaiters(new ClosedException("the host stopped: " + error.getMessage()));
    }

    void stoppedCleanly() {
        synchronized (this) {
            stopped.complete(null);
            notifyAll();
        }
        completeLeaderKnownWaiters(new ClosedException("the host is closed"));
    }
}
