package io.kayak.runtime;

import io.kayak.HostStatus;
import io.kayak.MemberStatus;
import io.kayak.core.Configuration;
import io.kayak.core.Role;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * Builds {@link HostStatus}: what other threads may read at once (role, term, leader, configuration, indexes) and
 * what only the raft thread knows (commit index, followers' match indexes, silences), asked of it in one turn.
 */
final class StatusReport {
    /** What only the raft thread knows, read in one of its turns. */
    private record LoopFacts(long commitIndex, Map<String, Long> matches, Map<String, Long> silence) {
    }

    private final String id;
    private final String address;
    private final RaftLoop loop;
    private final HostState state;
    private final HostLog log;
    private final AckWatch acks;
    /** How long to wait for the raft thread before answering without its facts. */
    private final Duration patience;
    private final BooleanSupplier running;

    StatusReport(String id, String address, RaftLoop loop, HostState state, HostLog log, AckWatch acks,
                 Duration patience, BooleanSupplier running) {
        this.id = id;
        this.address = address;
        this.loop = loop;
        this.state = state;
        this.log = log;
        this.acks = acks;
        this.patience = patience;
        this.running = running;
    }

    /** See {@link io.kayak.Host#status()}. */
    HostStatus status() {
        HostState.View v = state.view();
        io.kayak.Role role = !running.getAsBoolean() ? io.kayak.Role.STOPPED
                : state.removed() ? io.kayak.Role.REMOVED : publicRole(v);
        Map<String, Long> matches = Map.of();
        Map<String, Long> silence = Map.of();
        long commit = log.committed();
        if (role != io.kayak.Role.STOPPED) {
            LoopFacts facts = loopFacts();
            if (facts != null) {
                matches = facts.matches();
                silence = facts.silence();
                commit = facts.commitIndex();
            }
        }
        Configuration c = v.config();
        List<MemberStatus> members = new ArrayList<>();
        for (Map.Entry<String, String> e : c.addresses().entrySet()) {
            String member = e.getKey();
            Long match = member.equals(id) && v.role() == Role.LEADER ? Long.valueOf(v.lastIndex())
                    : matches.get(member);
            Long quiet = silence.get(member);
            members.add(new MemberStatus(member, member.equals(id) ? address : e.getValue(), c.isVoter(member),
                    match == null ? -1 : match, quiet == null || member.equals(id) ? null : Duration.ofNanos(quiet)));
        }
        String leaderId = role == io.kayak.Role.STOPPED ? null : v.leaderId();
        return new HostStatus(id, address, role, v.term(), leaderId, commit, log.committed(), acks.get(),
                log.snapshotIndex(), log.compacted() + 1, v.lastIndex(), members);
    }

    private io.kayak.Role publicRole(HostState.View v) {
        switch (v.role()) {
            case LEADER:
                return io.kayak.Role.LEADER;
            case CANDIDATE:
            case PRE_CANDIDATE:
                return io.kayak.Role.CANDIDATE;
            default:
                return v.config().isVoter(id) ? io.kayak.Role.FOLLOWER : io.kayak.Role.LEARNER;
        }
    }

    /** Asks the raft thread for its facts; {@code null} if it does not answer in time (it is stopping). */
    private LoopFacts loopFacts() {
        if (loop.onLoopThread()) {
            return loop.facts(LoopFacts::new);
        }
        CompletableFuture<LoopFacts> f = new CompletableFuture<>();
        try {
            loop.post(() -> f.complete(loop.facts(LoopFacts::new)));
        } catch (io.kayak.ClosedException stopping) {
            return null;
        }
        return Waits.awaitQuietly(f, patience).orElse(null);
    }
}
