package io.kayak.runtime;

import io.kayak.ClosedException;
import io.kayak.HostOptions;
import io.kayak.JoinException;
import io.kayak.KayakException;
import io.kayak.transport.Rpc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Finds a member that admits this one, for {@link io.kayak.Kayak#join}: asks the addresses it was given in turn,
 * following redirects to the leader, round after round with a growing pause between rounds, until a member admits
 * it or {@link HostOptions#joinTimeout()} has passed.
 *
 * <p>Peers may all answer "not the leader" while an election is under way, or not listen yet while the cluster
 * starts: that is why it keeps asking. An address the network cannot reach (connection refused, unreachable, TLS
 * handshake refused) fails its request at once ({@link UnreachableException}, see
 * {@link PeerNetwork.Inbound#onUndelivered}), so the next address is asked at once instead of after the request
 * timeout. A member that refuses the newcomer (configured for another cluster, an id taken at another address)
 * ends the join at once. Either way the failure is a {@link JoinException} listing, per address, the last reason.
 */
final class Joiner {
    private static final Logger LOG = LoggerFactory.getLogger(Joiner.class);
    /** Requests per round at most: redirects add addresses to a round, and must not make it endless. */
    private static final int MAX_REQUESTS_PER_ROUND = 32;
    private static final long MAX_PAUSE_MILLIS = 1_000;

    private final String id;
    private final String address;
    private final RaftLoop loop;
    private final HostOptions options;

    Joiner(String id, String address, RaftLoop loop, HostOptions options) {
        this.id = id;
        this.address = address;
        this.loop = loop;
        this.options = options;
    }

    /**
     * Asks {@code peers} until one admits this member, and returns that member's answer.
     *
     * @throws JoinException   when a member refused, or none admitted it in time
     * @throws ClosedException when the host stopped meanwhile
     */
    Rpc.Response join(List<String> peers) {
        Duration timeout = options.joinTimeout();
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, String> reasons = new LinkedHashMap<>();
        long pauseMillis = Math.max(10, options.heartbeatInterval().toMillis());
        while (true) {
            List<String> targets = new ArrayList<>(peers);
            for (int i = 0; i < targets.size() && i < MAX_REQUESTS_PER_ROUND; i++) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                String target = targets.get(i);
                Duration wait = Duration.ofNanos(Math.min(left, options.requestTimeout().toNanos()));
                Rpc.Response answer;
                try {
                    answer = ask(target, wait);
                } catch (UnreachableException e) {
                    note(reasons, target, e.reason());
                    continue;
                }
                if (answer == null) {
                    // A wait the deadline cut short says less than what the address said in an earlier round.
                    if (wait.compareTo(options.requestTimeout()) == 0 || !reasons.containsKey(target)) {
                        note(reasons, target, "no answer within " + wait.toMillis() + " ms");
                    }
                    continue;
                }
                switch (answer.error()) {
                    case NONE:
                        return answer;
                    case REFUSED:
                        note(reasons, target, "refused: " + answer.message());
                        throw new JoinException("could not join", reasons);
                    case NOT_LEADER:
                        if (answer.leaderAddress().isEmpty()) {
                            note(reasons, target, "not the leader, and knows no leader yet");
                        } else {
                            note(reasons, target, "not the leader; redirected to " + answer.leaderAddress());
                            targets.add(answer.leaderAddress());
                        }
                        break;
                    default:
                        note(reasons, target, answer.error().toString().toLowerCase(Locale.ROOT).replace('_', ' ')
                                + ": " + answer.message());
                }
            }
            if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pauseMillis) - deadline > 0) {
                throw new JoinException("could not join within " + timeout, reasons);
            }
            try {
                Thread.sleep(pauseMillis); // a pause between rounds of a retried request, not a synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KayakException("interrupted while joining");
            }
            pauseMillis = Math.min(pauseMillis * 2, MAX_PAUSE_MILLIS);
        }
    }

    private void note(Map<String, String> reasons, String target, String reason) {
        LOG.debug("{}: joining through {}: {}", id, target, reason);
        reasons.put(target, reason);
    }

    /**
     * Sends a JOIN request to {@code target} and waits for its answer; null when none came within {@code wait}.
     *
     * @throws UnreachableException when the network could not reach {@code target}
     */
    private Rpc.Response ask(String target, Duration wait) {
        long requestId = loop.forwarder().nextRequestId();
        // A join may name the member it replaces: the leader then swaps them in one joint configuration.
        byte[] payload = options.replaces() == null ? null : options.replaces().getBytes(StandardCharsets.UTF_8);
        // It names the cluster this member was configured for, so that a member of another cluster refuses it at
        // once instead of admitting it first.
        Rpc.Request request = new Rpc.Request(requestId, address, Rpc.Kind.JOIN, id, address, payload,
                options.cluster());
        CompletableFuture<Rpc.Response> answer = new CompletableFuture<>();
        loop.post(() -> loop.forwarder().call(target, request, answer));
        // Unreachable, or closed, fail the wait with their own exceptions.
        Rpc.Response response = Waits.await(answer, wait, "joining").orElse(null);
        if (response == null) {
            loop.post(() -> loop.forwarder().forget(requestId));
        }
        return response;
    }
}
