package io.kayak;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One member of a Kayak cluster, embedded in the application. Obtained from {@link Kayak#start} or
 * {@link Kayak#join}; thread-safe.
 *
 * <p>Lifecycle: {@link #close()} stops the member and keeps its place in the cluster (start it again on the same
 * data directory to resume); {@link #leave()} removes it from the cluster for good. Once closed, every request fails
 * with {@link ClosedException}; once removed, with {@link MemberRemovedException}.
 *
 * <p>Requests that need the leader ({@link Log#append}, {@link Sync#barrier}, {@link #remove},
 * {@link #transferLeadership}) wait for one while an election runs, up to {@link HostOptions#requestTimeout()}.
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

    /** The leader this host knows, if any (empty once closed). */
    Optional<Member> leader();

    /** The replicated log. Stays usable as an object after close; its calls then fail as documented there. */
    Log log();

    /** Linearizable reads. Stays usable as an object after close; its calls then fail as documented there. */
    Sync sync();

    /**
     * What this member is doing now: role, term, leader, its log's indices and every member with its replication
     * progress (match index on a leader) and when this member last heard from it. Works on a closed or removed host
     * too (role {@link Role#STOPPED} or {@link Role#REMOVED}). Asks the member's event loop, so it may wait for one
     * turn of it.
     */
    HostStatus status();

    /**
     * Removes member {@code memberId} from the cluster, from any live member (e.g. to evict a dead one). Completes
     * once a configuration without it has committed. Refused (with {@link KayakException}) for the last voter, and
     * when it would leave no reachable quorum (see {@link #remove(String, boolean)}). Changes are applied one at a
     * time: while one is in flight, later ones wait in a bounded queue at the leader. Fails with
     * {@link RequestTimeoutException} when it did not complete in time (it may still complete), with
     * {@link NotLeaderException} when no leader took it, and with {@link ClosedException} /
     * {@link MemberRemovedException} on a closed / removed host.
     *
     * @throws NullPointerException when {@code memberId} is null
     */
    CompletableFuture<Void> remove(String memberId);

    /**
     * Like {@link #remove(String)}. Without {@code force}, a removal that would leave the remaining voters without a
     * majority the leader has heard from recently is refused (it could stall the cluster); {@code force} removes
     * anyway, e.g. to shrink a cluster that lost several members for good.
     *
     * @throws NullPointerException when {@code memberId} is null
     */
    CompletableFuture<Void> remove(String memberId, boolean force);

    /**
     * Hands leadership to voter {@code memberId} (dissertation §3.10: the leader brings it up to date, then tells it
     * to campaign at once), from any member. Completes once this host knows {@code memberId} as its leader; fails
     * with {@link KayakException} when the target cannot lead (not a voter, unknown) and
     * {@link RequestTimeoutException} when the hand-over did not finish in time (the leader gives up after one
     * election timeout). Safe to retry.
     *
     * @throws NullPointerException when {@code memberId} is null
     */
    CompletableFuture<Void> transferLeadership(String memberId);

    /**
     * Leaves the cluster for good, then closes: a leader first hands leadership to the most up-to-date voter, then
     * the member asks the leader to remove it and waits until that is committed. Afterwards its data directory
     * refuses to start ({@link MemberRemovedException}). Fails with {@link RequestTimeoutException} or
     * {@link NotLeaderException} when no leader removed it in time: the member then stays in the cluster and keeps
     * running, and the call may be retried. The sole member of a cluster cannot leave it
     * ({@link KayakException}).
     */
    CompletableFuture<Void> leave();

    /**
     * Stops this member, keeping its place in the cluster: starting it again on the same data directory resumes it
     * (same id, term, log and membership), as for a restart or an upgrade. Pending requests fail with
     * {@link ClosedException} (appends among them may still commit). Idempotent; blocks until every thread of the
     * member has ended.
     *
     * @throws IllegalStateException when called on the member's event loop ({@link Completion#EVENT_LOOP})
     */
    @Override
    void close();

    /**
     * A future that completes when this host has stopped: normally after {@link #close()}, exceptionally with the
     * cause when it stopped on its own (a storage failure).
     */
    CompletableFuture<Void> stopped();
}
