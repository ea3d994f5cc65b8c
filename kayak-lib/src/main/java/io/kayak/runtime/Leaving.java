package io.kayak.runtime;

import io.kayak.HostOptions;
import io.kayak.KayakException;
import io.kayak.RequestTimeoutException;
import io.kayak.core.Configuration;
import io.kayak.core.Role;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The leave protocol ({@link io.kayak.Host#leave}): a leader first hands its leadership to the most up-to-date voter,
 * then the member asks the cluster to remove it, records that it left, and closes.
 */
final class Leaving {
    private static final Logger LOG = LoggerFactory.getLogger(Leaving.class);

    private final String id;
    private final HostOptions options;
    private final RaftLoop loop;
    private final RequestGate gate;
    private final HostState state;
    private final Administration administration;
    private final StoredMember member;
    private final Runnable closeHost;

    Leaving(String id, HostOptions options, RaftLoop loop, RequestGate gate, HostState state,
            Administration administration, StoredMember member, Runnable closeHost) {
        this.id = id;
        this.options = options;
        this.loop = loop;
        this.gate = gate;
        this.state = state;
        this.administration = administration;
        this.member = member;
        this.closeHost = closeHost;
    }

    /** See {@link io.kayak.Host#leave()}. */
    CompletableFuture<Void> leave() {
        CompletableFuture<Void> refused = gate.refused();
        if (refused != null) {
            return refused;
        }
        Configuration config = state.view().config();
        if (config.members().size() == 1 && config.contains(id)) {
            return CompletableFuture.failedFuture(new KayakException("member " + id
                    + " is the only member of its cluster and cannot leave it; close it instead"));
        }
        // Leaving waits on the cluster several times over; a thread of its own keeps the caller's and the host's
        // threads free, and may close the host at the end (which the host's own threads cannot do).
        CompletableFuture<Void> left = new CompletableFuture<>();
        Thread leaving = Threads.daemon(() -> {
            try {
                leaveCluster();
                member.markRemoved(true);
                closeHost.run();
                left.complete(null);
            } catch (RuntimeException e) {
                LOG.warn("{}: could not leave the cluster ({}); it stays a member and keeps running", id,
                        e.getMessage());
                left.completeExceptionally(e);
            }
        }, "kayak-leave-" + id);
        leaving.start();
        return left;
    }

    private void leaveCluster() {
        if (state.view().role() == Role.LEADER) {
            CompletableFuture<Boolean> handing = new CompletableFuture<>();
            loop.post(() -> handing.complete(loop.transferToBestVoter()));
            if (await(handing, options.requestTimeout())) {
                try {
                    state.awaitNotLeader(options.electionTimeout().toNanos() * 4);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new KayakException("interrupted while handing leadership over");
                }
            }
        }
        // The removal rides through the election the hand-over started, as every request does.
        await(administration.remove(id, false), options.requestTimeout().multipliedBy(3));
        LOG.info("{}: left the cluster", id);
    }

    private static <T> T await(CompletableFuture<T> f, Duration timeout) {
        if (!Waits.await(f, timeout, "leaving").isPresent() && !f.isDone()) {
            throw new RequestTimeoutException("no answer within " + timeout);
        }
        return f.join();
    }
}
