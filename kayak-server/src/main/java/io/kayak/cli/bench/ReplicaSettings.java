package io.kayak.cli.bench;

import io.kayak.Completion;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one benchmark replica process runs.
 *
 * @param index         0-based member number; member 0 seeds the cluster, the others join it
 * @param members       cluster size
 * @param dataDir       this member's fresh data directory
 * @param workload      "w1" or "w2"
 * @param clients       outstanding appends (W1)
 * @param warmupSeconds W1 warm-up
 * @param seconds       W1 measured window
 * @param payload       bytes per append
 * @param electionMs    election timeout override, 0 for Kayak's default
 * @param completion    where append futures complete, and so where the driver's callback runs
 * @param sessions      W1: each client slot opens its own {@link io.kayak.Session} before the warm-up and appends
 *                      through it (exactly-once appends) instead of {@code Log.append}
 */
public record ReplicaSettings(int index, int members, Path dataDir, String workload, int clients,
                              int warmupSeconds, int seconds, int payload, int electionMs, Completion completion,
                              boolean sessions) {
    /** Kayak's default heartbeat, kept unless the election timeout is overridden below 2 heartbeats' worth. */
    static final Duration DEFAULT_HEARTBEAT = Duration.ofMillis(30);
    static final Duration DEFAULT_ELECTION = Duration.ofMillis(300);

    public Duration electionTimeout() {
        return electionMs > 0 ? Duration.ofMillis(electionMs) : DEFAULT_ELECTION;
    }

    /** The heartbeat must stay below half the election timeout (HostOptions refuses otherwise). */
    public Duration heartbeat() {
        Duration limit = electionTimeout().dividedBy(3);
        return DEFAULT_HEARTBEAT.compareTo(limit) <= 0 ? DEFAULT_HEARTBEAT : limit;
    }

    /** The effective settings, repeated in every JSON result. */
    public Map<String, Object> describe() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("members", members);
        s.put("transport", "Kayak NettyPeerNetwork, TCP on 127.0.0.1");
        s.put("log_storage", "Kayak WriteAheadLog segments in a fresh data dir per member, group commit (LogWriter)");
        s.put("fsync", "always (Kayak has no switch to turn it off)");
        s.put("heartbeat_ms", heartbeat().toMillis());
        s.put("election_timeout_ms", electionTimeout().toMillis() + " randomized in [1x, 2x)");
        s.put("sessions", sessions);
        s.put("write_path", sessions
                ? "Session.append(byte[]) on the leader, in-process, one Session per client slot (Log.openSession, "
                        + "opened before the warm-up)"
                : "Host.log().append(byte[]) on the leader, in-process");
        s.put("completion", "HostOptions.completion " + completion + (completion == Completion.EVENT_LOOP
                ? ": the driver's callback (record the latency, append the next write) runs on the event loop"
                : ": the driver's callback runs on the host's dispatch thread"));
        s.put("state_machine", "a Listener on each member counting NORMAL entries");
        s.put("membership", "n0 seeds, the others join through it and are promoted to voters");
        return s;
    }
}
