package io.kayak.server;

import io.kayak.Host;
import io.kayak.Member;
import io.kayak.runtime.RaftHost;

import java.util.LinkedHashMap;
import java.util.Map;

/** This member's own view, as {@code GET /v1/status?members=false} reports it and the peer poller collects it. */
final class MemberStatus {
    private final Host host;
    private final StateMachine machine;

    MemberStatus(Host host, StateMachine machine) {
        this.host = host;
        this.machine = machine;
    }

    /**
     * {@code leader}, {@code follower}, {@code learner}, {@code candidate} (a voter that knows no leader), or
     * {@code removed}: it was removed from the cluster (its own configuration no longer lists it, or the leader told
     * it that a committed one does not); it takes no part in the cluster any more and can be stopped.
     */
    String role() {
        if (host instanceof RaftHost raft && raft.isLeader()) {
            return "leader";
        }
        if (host instanceof RaftHost raft && raft.removed()) {
            return "removed";
        }
        java.util.List<Member> roster = host.roster();
        java.util.Optional<Member> self = roster.stream().filter(m -> m.id().equals(host.id())).findFirst();
        if (self.isEmpty()) {
            return roster.isEmpty() ? "learner" : "removed";
        }
        if (!self.get().voter()) {
            return "learner";
        }
        return host.leader().isPresent() ? "follower" : "candidate";
    }

    long term() {
        return host instanceof RaftHost raft ? raft.term() : -1;
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", host.id());
        m.put("address", host.address());
        m.put("role", role());
        m.put("term", term());
        m.put("leader", host.leader().map(Member::id).orElse(null));
        m.put("head", host.log().head());
        m.put("commit", host.log().committed());
        m.put("applied", machine.applied());
        m.put("snapshot", host.log().snapshotIndex());
        m.put("compacted", host.log().compacted());
        m.put("keys", machine.store().size());
        return m;
    }
}
