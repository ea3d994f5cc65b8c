package io.kayak.runtime;

import io.kayak.KayakException;
import io.kayak.NotLeaderException;
import io.kayak.OutcomeUnknownException;
import io.kayak.OverloadedException;
import io.kayak.core.Configuration;
import io.kayak.core.ProposalRefusedException;
import io.kayak.core.RaftNode;
import io.kayak.core.Role;
import io.kayak.core.session.Envelope;
import io.kayak.transport.Rpc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Requests between members: this member's calls to others (correlated with their answers by request id), the
 * appends and membership requests a follower forwards to the leader, and, on the leader, the requests others
 * forwarded to it.
 *
 * <p>Raft thread only, but for {@link #nextRequestId()}.
 */
final class Forwarder {
    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);

    private final RaftNode node;
    private final PeerDirectory peers;
    private final PendingRequests pending;
    private final MembershipChanges membership;
    private final HostState state;
    /** Runs a task on the raft thread in a later turn (dropped when the loop has stopped). */
    private final Consumer<Runnable> postQuietly;
    private final Map<Long, CompletableFuture<Rpc.Response>> calls = new HashMap<>();
    private final AtomicLong requestIds = new AtomicLong();

    Forwarder(RaftNode node, PeerDirectory peers, PendingRequests pending, MembershipChanges membership,
              HostState state, Consumer<Runnable> postQuietly) {
        this.node = node;
        this.peers = peers;
        this.pending = pending;
        this.membership = membership;
        this.state = state;
        this.postQuietly = postQuietly;
    }

    /** A fresh id for a request this member sends; thread-safe. */
    long nextRequestId() {
        return requestIds.incrementAndGet();
    }

    // ---------------------------------------------------------------- calls and their answers

    /** Sends {@code request} to {@code address} and completes {@code answer} with the answer (on the raft thread). */
    void call(String address, Rpc.Request request, CompletableFuture<Rpc.Response> answer) {
        calls.put(request.id(), answer);
        peers.send(address, request);
    }

    /** Forgets an outstanding call (it timed out). */
    void forget(long requestId) {
        calls.remove(requestId);
    }

    /**
     * The network dropped these requests, sent to {@code address}, for {@code reason}: their calls fail now with
     * {@link UnreachableException} rather than at their deadlines.
     */
    void undelivered(String address, List<Long> requestIds, String reason) {
        for (long requestId : requestIds) {
            CompletableFuture<Rpc.Response> f = calls.remove(requestId);
            if (f != null) {
                f.completeExceptionally(new UnreachableException(address, reason));
            }
        }
    }

    /** Fails every outstanding call (the loop stops). Internal futures: their callbacks only route answers. */
    void failAll(KayakException error) {
        calls.values().forEach(f -> f.completeExceptionally(error));
        calls.clear();
    }

    /** The typed exception an error answer stands for. */
    static KayakException toException(Rpc.Response r) {
        switch (r.error()) {
            case NOT_LEADER: return new NotLeaderException(r.message(), r.leaderAddress().isEmpty() ? null
                    : r.leaderAddress());
            case OVERLOADED: return new OverloadedException(r.message());
            case OUTCOME_UNKNOWN: return new OutcomeUnknownException(r.message());
            case ENTRY_TOO_LARGE: return new io.kayak.EntryTooLargeException(r.message(), r.index(), r.term());
            default: return new KayakException(r.message());
        }
    }

    // ---------------------------------------------------------------- what arrives

    /** A request another member sent, or an answer to one of ours. */
    void onRpc(Rpc rpc) {
        if (rpc instanceof Rpc.Response r) {
            CompletableFuture<Rpc.Response> f = calls.remove(r.id());
            if (f != null) {
                f.complete(r);
            }
            return;
        }
        Rpc.Request request = (Rpc.Request) rpc;
        if (request.kind() == Rpc.Kind.REMOVED) {
            if (request.memberId().equals(node.id()) && !state.removed()) {
                state.removed(true);
                LOG.warn("{}: the leader says a committed configuration no longer lists this member: it was removed"
                        + " from the cluster and takes no further part; it can be stopped", node.id());
            }
            return;
        }
        if (node.role() != Role.LEADER) {
            refuseNotLeader(request, node.id() + " is not the leader");
            return;
        }
        switch (request.kind()) {
            case APPEND:
                try {
                    Envelope.type(request.payload());
                } catch (IllegalArgumentException e) {
                    peers.send(request.replyTo(), Rpc.Response.error(request.id(), Rpc.Error.REFUSED,
                            "not an application entry: " + e.getMessage(), ""));
                    break;
                }
                pending.proposeForwarded(request);
                break;
            case TRANSFER_LEADERSHIP:
                peers.send(request.replyTo(), transfer(request));
                break;
            default:
                membership.submit(new MembershipChanges.Request(request,
                        answer -> peers.send(request.replyTo(), answer)));
        }
    }

    /** Answers a forwarded request: this member does not lead (the answer names the leader it knows, if any). */
    void refuseNotLeader(Rpc.Request request, String message) {
        peers.send(request.replyTo(), Rpc.Response.error(request.id(), Rpc.Error.NOT_LEADER, message,
                leaderAddress()));
    }

    /** Answers a forwarded append: it went into the leader's log at {@code index} of {@code term}. */
    void acceptForwarded(Rpc.Request request, long index, long term) {
        peers.send(request.replyTo(), Rpc.Response.ok(request.id(), index, term, null));
    }

    // ---------------------------------------------------------------- what this member asks of the leader

    /**
     * A membership request made on this host (REMOVE or TRANSFER_LEADERSHIP): handled here when this member leads,
     * otherwise forwarded to the leader. The answer completes {@code answer} on the raft thread.
     */
    void requestChange(Rpc.Request request, CompletableFuture<Rpc.Response> answer) {
        if (node.role() == Role.LEADER) {
            if (request.kind() == Rpc.Kind.TRANSFER_LEADERSHIP) {
                answer.complete(transfer(request));
            } else {
                membership.submit(new MembershipChanges.Request(request, answer::complete));
            }
            return;
        }
        String leader = leaderAddress();
        if (leader == null) {
            answer.complete(Rpc.Response.error(request.id(), Rpc.Error.NOT_LEADER, node.id()
                    + " knows no leader", null));
            return;
        }
        call(leader, request, answer);
    }

    /** Starts handing leadership to the requested voter (this member leads); the answer says whether it started. */
    private Rpc.Response transfer(Rpc.Request request) {
        try {
            node.transferLeadership(request.memberId());
            LOG.info("{}: handing leadership to {} on request", node.id(), request.memberId());
            return Rpc.Response.ok(request.id(), 0, node.term(), null);
        } catch (io.kayak.core.NotLeaderException e) {
            return Rpc.Response.error(request.id(), Rpc.Error.NOT_LEADER, e.getMessage(), leaderAddress());
        } catch (ProposalRefusedException e) {
            return Rpc.Response.error(request.id(), Rpc.Error.REFUSED, e.getMessage(), "");
        }
    }

    /** Starts a leadership transfer to the most up-to-date voter; returns false when there is none. */
    boolean transferToBestVoter() {
        if (node.role() != Role.LEADER) {
            return false;
        }
        Configuration config = node.configuration().configuration();
        String best = null;
        long bestMatch = -1;
        for (Map.Entry<String, Long> e : node.followerMatches().entrySet()) {
            if (config.isVoter(e.getKey()) && e.getValue() > bestMatch) {
                best = e.getKey();
                bestMatch = e.getValue();
            }
        }
        if (best == null) {
            return false;
        }
        try {
            node.transferLeadership(best);
            LOG.info("{}: handing leadership to {}", node.id(), best);
            return true;
        } catch (RuntimeException e) {
            LOG.warn("{}: cannot hand leadership to {}: {}", node.id(), best, e.getMessage());
            return false;
        }
    }

    /** A follower hands the application's append to the leader, and waits for the entry to commit here. */
    void forwardAppend(PendingRequests.Proposal p) {
        String leader = leaderAddress();
        if (leader == null) {
            pending.fail(p.localFuture(), new NotLeaderException(node.id() + " knows no leader", null));
            return;
        }
        long id = nextRequestId();
        CompletableFuture<Rpc.Response> answer = new CompletableFuture<>();
        call(leader, new Rpc.Request(id, peers.selfAddress(), Rpc.Kind.APPEND, "", "", p.payload()), answer);
        answer.whenComplete((r, error) -> {
            // Runs on the raft thread: answers are completed by onRpc.
            if (r == null) {
                return;
            }
            if (r.error() == Rpc.Error.NONE) {
                pending.forwardedAccepted(p, r.index(), r.term());
            } else {
                pending.fail(p.localFuture(), toException(r));
            }
        });
        p.localFuture().whenComplete((e, t) -> {
            if (t != null) {
                postQuietly.accept(() -> forget(id));
            }
        });
    }

    /** Where the leader listens, as far as this member knows; null when it knows no leader. */
    String leaderAddress() {
        return peers.addressOf(node.leader());
    }
}
