package io.kayak.server;

import io.kayak.Host;
import io.kayak.HostStatus;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** This member's own view, as {@code GET /v1/status?members=false} reports it and the peer poller collects it. */
final class SelfStatus {
    private final Host host;
    private final StateMachine machine;

    SelfStatus(Host host, StateMachine machine) {
        this.host = host;
        this.machine = machine;
    }

    /**
     * {@code leader}, {@code follower}, {@code learner}, {@code candidate}, {@code removed} (it was removed from the
     * cluster and takes no part in it any more; it can be stopped) or {@code stopped}: {@link io.kayak.Role} in lower
     * case.
     */
    String role() {
        return role(host.status());
    }

    private static String role(HostStatus status) {
        return status.role().name().toLowerCase(Locale.ROOT);
    }

    long term() {
        return host.status().term();
    }

    Map<String, Object> toMap() {
        HostStatus status = host.status();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", status.id());
        m.put("address", status.address());
        m.put("role", role(status));
        m.put("term", status.term());
        m.put("leader", status.leaderId());
        m.put("head", status.lastIndex());
        m.put("commit", status.appliedIndex());
        m.put("applied", machine.applied());
        m.put("snapshot", status.snapshotIndex());
        m.put("compacted", status.firstIndex() - 1);
        m.put("keys", machine.store().size());
        return m;
    }
}
