package io.kayak;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One member of a Kayak cluster, embedded in the application. Obtained from {@link Kayak#start} or
 * {@link Kayak#join}; thread-safe.
 */
public interface Host extends AutoCloseable {
    /** This member's id (stable across restarts of the same data directory). */
    String id();

    /** The peer address other members dial. */
    String address();

    /** The members of the configuration in force on this host. */
    List<Member> roster();

    /** The leader this host knows, if any. */
    Optional<Member> leader();

    Log log();

    Sync sync();

    /** Stops this member without leaving the cluster (for restarts and upgrades): it stays in the configuration. */
    void stop();

    /** Same as {@link #stop()} for now; a graceful leave of the cluster lands with membership changes. */
    @Override
    void close();

    /** A future that completes when this host has stopped (for whatever reason). */
    CompletableFuture<Void> stopped();
}
