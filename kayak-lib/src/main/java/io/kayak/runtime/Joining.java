package io.kayak.runtime;

import io.kayak.ClosedException;
import io.kayak.HostOptions;
import io.kayak.KayakException;
import io.kayak.RequestTimeoutException;
import io.kayak.core.Configuration;
import io.kayak.core.ConfigurationCodec;
import io.kayak.transport.Rpc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The join protocol of a new member: find a member that admits it ({@link Joiner}), adopt the cluster's id, learn
 * where the members listen, and wait until the configuration admitting this member reaches it through the log.
 */
final class Joining {
    private static final Logger LOG = LoggerFactory.getLogger(Joining.class);

    private final String id;
    private final String address;
    private final HostOptions options;
    private final RaftLoop loop;
    private final StoredMember member;
    private final PeerNetwork network;
    private final HostState state;

    Joining(String id, String address, HostOptions options, RaftLoop loop, StoredMember member, PeerNetwork network,
            HostState state) {
        this.id = id;
        this.address = address;
        this.options = options;
        this.loop = loop;
        this.member = member;
        this.network = network;
        this.state = state;
    }

    /**
     * Asks the members at {@code peers}, in turn, to admit this member, following redirects to the leader, and waits
     * until the configuration admitting it reaches this member.
     *
     * @throws io.kayak.JoinException when a member refused, or none admitted this one within the join timeout
     */
    void joinThrough(List<String> peers) {
        if (state.view().config().contains(id)) {
            LOG.info("{}: already a member; the join request is ignored in favour of the stored membership", id);
            return;
        }
        Rpc.Response admitted = new Joiner(id, address, loop, options).join(peers);
        adoptCluster(admitted);
        Configuration config = ConfigurationCodec.decode(admitted.configuration());
        loop.post(() -> loop.peers().learn(config));
        awaitMembership();
    }

    /**
     * Fixes the cluster id the JOIN answer names, durably, before any of the cluster's Raft traffic can reach this
     * member (its handshakes are refused until then). Networks that carry no id (in-process ones) leave the answer
     * without one; the configured name then stands in, as it did before cluster ids existed.
     */
    private void adoptCluster(Rpc.Response answer) {
        String cluster = answer.clusterId().isEmpty() ? options.cluster() : answer.clusterId();
        if (!cluster.equals(options.cluster()) && !cluster.startsWith(options.cluster() + "-")) {
            throw new KayakException("member " + id + " was configured for a cluster named " + options.cluster()
                    + " but was admitted by cluster " + cluster);
        }
        member.adoptCluster(cluster);
        network.adoptClusterId(cluster);
    }

    /** Waits for a configuration listing this member, for up to four request timeouts. */
    private void awaitMembership() {
        long nanos = options.requestTimeout().toNanos() * 4;
        boolean listed;
        try {
            listed = state.awaitListed(id, nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KayakException("interrupted while joining");
        }
        if (listed) {
            return;
        }
        if (state.stopped().isCompletedExceptionally()) {
            Throwable cause = state.stopped().handle((v, t) -> t).join();
            throw new KayakException("the host failed while joining", cause);
        }
        if (state.stopped().isDone()) {
            throw new ClosedException("the host stopped while joining");
        }
        throw new RequestTimeoutException("the configuration admitting " + id + " did not arrive in time");
    }

    /**
     * On a member of cluster {@code cluster} (null while it joins): answers REFUSED to a join from a member
     * configured for a cluster of another name (the rule of {@link #adoptCluster}: the cluster id is the name or
     * starts with the name and a dash). Returns whether it did.
     */
    static boolean refusedForClusterName(String id, String cluster, Rpc.Request request, PeerNetwork network) {
        String name = request.clusterName();
        if (request.kind() != Rpc.Kind.JOIN || name.isEmpty() || cluster == null
                || cluster.equals(name) || cluster.startsWith(name + "-")) {
            return false;
        }
        LOG.warn("{}: refusing member {} at {}: it was configured for a cluster named {}, this is cluster {}", id,
                request.memberId(), request.replyTo(), name, cluster);
        network.send(request.replyTo(), Rpc.Response.error(request.id(), Rpc.Error.REFUSED, "member "
                + request.memberId() + " was configured for a cluster named " + name + ", but this is cluster "
                + cluster, ""));
        return true;
    }
}
