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

    /**
     * Removes member {@code memberId} from the cluster, from any live member (e.g. to evict a dead one). Completes
     * once a configuration without it has committed. Refused (with {@link KayakException}) for the last voter.
     */
    CompletableFuture<Void> remove(String memberId);

    /** Stops this member without leaving the cluster (for restarts and upgrades): it stays in the configuration. */
    void stop();

    /**
     * Leaves the cluster gracefully, then stops: a leader first hands leadership to the most up-to-date voter
     * (TimeoutNow), then the member asks the leader to remove it and waits until that is committed. If leaving
     * fails (no leader reachable in time), the member stops anyway and stays in the configuration.
     */
    @Override
    void close();

    /** A future that completes when this host has stopped (for whatever reason). */
    CompletableFuture<Void> stopped();
}
