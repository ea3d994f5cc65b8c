package io.kayak.runtime;

import io.kayak.core.Configuration;
import io.kayak.core.ConfigurationCodec;
import io.kayak.core.IndexedConfiguration;
import io.kayak.core.ProposalRefusedException;
import io.kayak.core.RaftNode;
import io.kayak.core.Role;
import io.kayak.transport.Rpc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The leader's membership changes, on the raft thread. Raft allows one configuration change in flight (Raft §6;
 * the core refuses a second), so requests <strong>wait in a bounded queue</strong> and are applied one at a time:
 * joins add the newcomer as a learner, learners that have caught up are promoted to voters through a joint
 * configuration, removals go through a joint configuration too. A removal is answered once a configuration without
 * the member has committed, so a leaving member knows when it may shut down.
 */
final class MembershipChanges {
    private static final Logger LOG = LoggerFactory.getLogger(MembershipChanges.class);
    /** Requests beyond this many waiting are refused rather than queued without bound. */
    static final int MAX_QUEUED = 64;

    /** A request and where its answer goes. */
    record Request(Rpc.Request request, Consumer<Rpc.Response> reply) {
    }

    private final Deque<Request> queue = new ArrayDeque<>();
    private final Map<String, List<Request>> awaitingRemoval = new LinkedHashMap<>();
    private final Map<String, Long> caughtUpSince = new LinkedHashMap<>();
    /** Learners that were admitted to replace a voter, and which one. */
    private final Map<String, String> replacing = new LinkedHashMap<>();
    private final long promotionLag;
    private final long promotionDelayNanos;
    private final Predicate<String> reachable;
    private final LongSupplier clock;

    /**
     * @param promotionLag        entries behind the commit index a learner may be and count as caught up
     * @param promotionDelayNanos how long it must stay caught up before it is promoted
     * @param reachable           whether the leader has heard from a member recently
     * @param clock               monotonic nanoseconds
     */
    MembershipChanges(long promotionLag, long promotionDelayNanos, Predicate<String> reachable, LongSupplier clock) {
        this.promotionLag = promotionLag;
        this.promotionDelayNanos = promotionDelayNanos;
        this.reachable = reachable;
        this.clock = clock;
    }

    /** Whether a REMOVE request asks to skip the reachable-quorum guard (its payload is the single byte 1). */
    static boolean forced(Rpc.Request request) {
        return request.payload().length == 1 && request.payload()[0] == 1;
    }

    /** Queues a JOIN or REMOVE (this member is the leader). */
    void submit(Request r) {
        if (queue.size() >= MAX_QUEUED) {
            r.reply().accept(Rpc.Response.error(r.request().id(), Rpc.Error.OVERLOADED,
                    MAX_QUEUED + " membership changes are already waiting", ""));
            return;
        }
        queue.add(r);
    }

    /** Applies the next change if none is in flight; called on every turn of the raft loop. */
    void advance(RaftNode node) {
        if (node.role() != Role.LEADER || changeInFlight(node)) {
            return;
        }
        Request next = queue.peek();
        if (next != null) {
            if (apply(node, next)) {
                queue.poll();
            }
            return;
        }
        promoteCaughtUpLearner(node);
    }

    private static boolean changeInFlight(RaftNode node) {
        IndexedConfiguration config = node.configuration();
        return config.index() > node.commitIndex() || config.configuration().isJoint()
                || node.termAt(node.commitIndex()) != node.term();
    }

    /** Tries to apply {@code r}; returns false when the core asks to wait (the request stays queued). */
    private boolean apply(RaftNode node, Request r) {
        Configuration current = node.configuration().configuration();
        Rpc.Request q = r.request();
        String id = q.memberId();
        Configuration next;
        if (q.kind() == Rpc.Kind.JOIN) {
            String existing = current.addresses().get(id);
            if (existing != null) {
                if (existing.equals(q.memberAddress())) {
                    // A retried join: the member is already in; answer with the configuration in force.
                    r.reply().accept(Rpc.Response.ok(q.id(), node.configuration().index(), node.term(),
                            ConfigurationCodec.encode(current)));
                } else {
                    r.reply().accept(Rpc.Response.error(q.id(), Rpc.Error.REFUSED, "member " + id
                            + " already exists with address " + existing + ", not " + q.memberAddress(), ""));
                }
                return true;
            }
            Map<String, String> addresses = new LinkedHashMap<>(current.addresses());
            addresses.put(id, q.memberAddress());
            next = Configuration.of(current.voters(), Set.of(), plus(current.learners(), id), addresses);
            if (q.payload().length > 0) {
                replacing.put(id, new String(q.payload(), java.nio.charset.StandardCharsets.UTF_8));
            }
        } else {
            if (!current.contains(id)) {
                r.reply().accept(Rpc.Response.ok(q.id(), node.configuration().index(), node.term(), null));
                return true;
            }
            if (current.isLearner(id)) {
                Map<String, String> addresses = new LinkedHashMap<>(current.addresses());
                addresses.remove(id);
                next = Configuration.of(current.voters(), Set.of(), minus(current.learners(), id), addresses);
            } else {
                if (current.voters().size() == 1) {
                    r.reply().accept(Rpc.Response.error(q.id(), Rpc.Error.REFUSED,
                            "cannot remove " + id + ": it is the last voter", ""));
                    return true;
                }
                Set<String> remaining = minus(current.voters(), id);
                if (!forced(q) && !reachableMajority(node, remaining)) {
                    r.reply().accept(Rpc.Response.error(q.id(), Rpc.Error.REFUSED, "removing " + id
                            + " would leave no reachable quorum: of " + remaining + " only "
                            + reachableOf(node, remaining) + " answered recently; force it to remove anyway", ""));
                    return true;
                }
                next = Configuration.of(minus(current.voters(), id), current.voters(), current.learners(),
                        current.addresses());
            }
        }
        long index;
        try {
            index = node.proposeConfiguration(next);
        } catch (ProposalRefusedException e) {
            return false;
        }
        LOG.info("{}: {} {} (configuration at index {})", node.id(), q.kind() == Rpc.Kind.JOIN ? "adding learner"
                : "removing", id, index);
        if (q.kind() == Rpc.Kind.JOIN) {
            r.reply().accept(Rpc.Response.ok(q.id(), index, node.term(), ConfigurationCodec.encode(next)));
        } else {
            awaitingRemoval.computeIfAbsent(id, k -> new ArrayList<>()).add(r);
        }
        return true;
    }

    private boolean reachableMajority(RaftNode node, Set<String> voters) {
        return reachableOf(node, voters).size() >= voters.size() / 2 + 1;
    }

    private Set<String> reachableOf(RaftNode node, Set<String> voters) {
        Set<String> out = new TreeSet<>();
        for (String v : voters) {
            if (v.equals(node.id()) || reachable.test(v)) {
                out.add(v);
            }
        }
        return out;
    }

    /**
     * Promotes one learner that has stayed within {@code promotionLag} entries of the commit index for
     * {@code promotionDelay}: a newcomer becomes a voter only once it can keep up, so it never slows commits.
     */
    private void promoteCaughtUpLearner(RaftNode node) {
        Configuration current = node.configuration().configuration();
        caughtUpSince.keySet().retainAll(current.learners());
        replacing.keySet().retainAll(current.learners());
        if (current.learners().isEmpty()) {
            return;
        }
        Map<String, Long> matches = node.followerMatches();
        long now = clock.getAsLong();
        for (String learner : current.learners()) {
            Long match = matches.get(learner);
            if (match == null || match < node.commitIndex() - promotionLag) {
                caughtUpSince.remove(learner);
                continue;
            }
            long since = caughtUpSince.computeIfAbsent(learner, k -> now);
            if (now - since < promotionDelayNanos) {
                continue;
            }
            // A replacement swaps the old voter out in the same joint configuration (Raft §6): one atomic change.
            String old = replacing.get(learner);
            Set<String> voters = plus(current.voters(), learner);
            if (old != null && current.voters().contains(old)) {
                voters = minus(voters, old);
            }
            Configuration joint = Configuration.of(voters, current.voters(), minus(current.learners(), learner),
                    current.addresses());
            try {
                node.proposeConfiguration(joint);
                caughtUpSince.remove(learner);
                replacing.remove(learner);
                LOG.info("{}: promoting {} to voter{}", node.id(), learner,
                        old == null ? "" : " in place of " + old);
            } catch (ProposalRefusedException e) {
                LOG.debug("{}: promotion of {} deferred: {}", node.id(), learner, e.getMessage());
            }
            return;
        }
    }

    /** A configuration committed: answer the removals it completes. */
    void committed(Configuration config, long index, long term) {
        if (config.isJoint()) {
            return;
        }
        awaitingRemoval.entrySet().removeIf(e -> {
            if (config.contains(e.getKey())) {
                return false;
            }
            for (Request r : e.getValue()) {
                r.reply().accept(Rpc.Response.ok(r.request().id(), index, term, ConfigurationCodec.encode(config)));
            }
            return true;
        });
    }

    /**
     * Leadership was lost: queued requests were not applied; applied removals may still complete, unless they
     * already have.
     *
     * <p>A removal can commit in the very step that ends the leadership: a leader that removes itself steps down as
     * soon as the configuration without it commits, and that configuration needs no acknowledgement from the leader
     * itself, so it may commit before the leader's own copy is durable. The entry then reaches {@link #committed}
     * only in a later Ready, after this call; {@code node}'s commit index already covers it. Such a removal is
     * answered as done, not as unknown: a caller told "unknown" would keep a member that is no longer in the
     * configuration, and nothing will ever catch it up.
     */
    void leadershipLost(RaftNode node, String leaderAddress) {
        for (Request r : queue) {
            r.reply().accept(Rpc.Response.error(r.request().id(), Rpc.Error.NOT_LEADER,
                    "leadership changed before the request was applied", leaderAddress));
        }
        queue.clear();
        IndexedConfiguration latest = node.configuration();
        Configuration config = latest.configuration();
        boolean committed = !config.isJoint() && latest.index() <= node.commitIndex();
        for (Map.Entry<String, List<Request>> e : awaitingRemoval.entrySet()) {
            boolean done = committed && !config.contains(e.getKey());
            for (Request r : e.getValue()) {
                r.reply().accept(done
                        ? Rpc.Response.ok(r.request().id(), latest.index(), node.termAt(latest.index()),
                                ConfigurationCodec.encode(config))
                        : Rpc.Response.error(r.request().id(), Rpc.Error.OUTCOME_UNKNOWN,
                                "leadership changed before the removal committed; it may still complete",
                                leaderAddress));
            }
        }
        awaitingRemoval.clear();
    }

    private static Set<String> plus(Set<String> set, String id) {
        Set<String> out = new TreeSet<>(set);
        out.add(id);
        return out;
    }

    private static Set<String> minus(Set<String> set, String id) {
        Set<String> out = new TreeSet<>(set);
        out.remove(id);
        return out;
    }
}
