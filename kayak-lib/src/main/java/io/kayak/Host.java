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

    /**
     * The peer address other members dial: {@link HostOptions#advertise()}, with the port actually bound when that
     * names port 0 (as it does by default when listening on port 0).
     */
    String address();

    /** The members of the configuration in force on this host. */
    List<Member> roster();

    /** The leader this host knows, if any. */
    Optional<Member> leader();

    Log log();

    Sync sync();

    /**
     * Removes member {@code memberId} from the cluster, from any live member (e.g. to evict a dead one). Completes
     * once a configuration without it has committed. Refused (with {@link KayakException}) for the last voter, and
     * when it would leave no reachable quorum (see {@link #remove(String, boolean)}). Changes are applied one at a
     * time: while one is in flight, later ones wait in a bounded queue at the leader.
     */
    CompletableFuture<Void> remove(String memberId);

    /**
     * Like {@link #remove(String)}. Without {@code force}, a removal that would leave the remaining voters without a
     * majority the leader has heard from recently is refused (it could stall the cluster); {@code force} removes
     * anyway, e.g. to shrink a cluster that lost several members for good.
     */
    CompletableFuture<Void> remove(String memberId, boolean force);

    /**
     * Hands leadership to voter {@code memberId} (dissertation §3.10: the leader brings it up to date, then tells it
     * to campaign at once), from any member. Completes once this host knows {@code memberId} as its leader; fails
     * with {@link KayakException} when the target cannot lead (not a voter, unknown) and {@link TimeoutException}
     * when the hand-over did not finish in time (the leader gives up after one election timeout).
     */
    CompletableFuture<Void> transferLeadership(String memberId);

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
