package io.kayak.chaos;

import io.kayak.cli.HostPort;
import io.kayak.cli.LocalCluster;
import io.kayak.cli.ServerProcess;
import io.kayak.storage.StorageOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The cluster under test: {@code kayak server} processes from a {@link LocalCluster}, each behind its own
 * {@link PartitionProxy} (the member advertises the proxy, so all peer traffic to it crosses the proxy), plus the
 * fault primitives the {@link Nemesis} combines: kill, restart, pause, resume, partition, delay, add and remove.
 */
final class ChaosCluster implements AutoCloseable {
    /** How long a removal whose outcome is unknown is asked again before the harness gives up on it. */
    private static final Duration REMOVAL_DEADLINE = Duration.ofSeconds(30);

    private final LocalCluster local;
    private final Network network = new Network();
    private final KvHttp http = new KvHttp(Duration.ofSeconds(2));
    private final KvHttp admin = new KvHttp(Duration.ofSeconds(20));
    private final Map<String, PartitionProxy> proxies = new ConcurrentHashMap<>();
    /** Members in the configuration as far as the harness knows, in start order. */
    private final Set<String> active = new LinkedHashSet<>();
    private final Set<String> crashed = new LinkedHashSet<>();
    private int started;
    /** A snapshot of {@link #active}'s addresses, so clients never wait on this cluster's lock during a restart. */
    private volatile List<Client.Target> targets = List.of();

    ChaosCluster(String classpath) throws IOException {
        this.local = new LocalCluster(classpath);
        local.serverArgs(compactionArgs());
    }

    /** The members' segment size when the compaction settings apply: small, so compaction really drops entries. */
    static final int SEGMENT_BYTES = 16384;

    /** The segment size the members run with: {@link #SEGMENT_BYTES}, or the server's default with compactEvery=0. */
    static int segmentBytes() {
        return compactEvery() <= 0 ? StorageOptions.DEFAULT_SEGMENT_CAPACITY : SEGMENT_BYTES;
    }

    /**
     * Members compact often (every {@code kayak.chaos.compactEvery} entries, default 200, keeping
     * {@code kayak.chaos.compactTrailing}, default 20), so that a member killed, paused or cut off for a few seconds
     * falls behind the leader's first index and must catch up by snapshot: every run exercises compaction and
     * snapshot installation under faults. Segments are 16 KiB (about a hundred entries), so compaction really drops
     * entries. {@code -Dkayak.chaos.compactEvery=0} keeps the server's defaults.
     */
    static List<String> compactionArgs() {
        long every = compactEvery();
        if (every <= 0) {
            return List.of();
        }
        // Small segments: compaction deletes whole segment files, so only then does the leader's first index move.
        return List.of("--compact-after-entries", Long.toString(every), "--compact-trailing",
                Long.toString(Long.getLong("kayak.chaos.compactTrailing", 20)), "--segment-size",
                Integer.toString(SEGMENT_BYTES));
    }

    private static long compactEvery() {
        return Long.getLong("kayak.chaos.compactEvery", 200);
    }

    /** How many lines of all members' logs, over every incarnation, contain {@code text}. */
    long countInLogs(String text) {
        long n = 0;
        for (ServerProcess p : local.members()) {
            try (Stream<String> lines = Files.lines(p.logFile())) {
                n += lines.filter(l -> l.contains(text)).count();
            } catch (IOException | UncheckedIOException e) {
                // a log that cannot be read counts nothing
            }
        }
        return n;
    }

    /**
     * The lines of {@code id}'s server log (all its processes, restarts included) that tell how its state was built:
     * starts, snapshots received and installed, store rebuilds, warnings and errors; the last {@code max} of them.
     */
    List<String> notableLogLines(String id, int max) {
        List<String> found = new ArrayList<>();
        for (ServerProcess p : local.members()) {
            if (!p.id().equals(id)) {
                continue;
            }
            try (Stream<String> lines = Files.lines(p.logFile())) {
                lines.filter(ChaosCluster::notable).forEach(found::add);
            } catch (IOException | UncheckedIOException e) {
                found.add("(log unreadable: " + e + ")");
            }
        }
        return found.subList(Math.max(0, found.size() - max), found.size());
    }

    private static boolean notable(String line) {
        return line.contains(" WARN ") || line.contains(" ERROR ") || line.contains("started at")
                || line.contains("snapshot") || line.contains("rebuil") || line.startsWith("kayak server ");
    }

    Network network() {
        return network;
    }

    /** Starts {@code n} members: the first seeds the cluster, the others join it through its proxy. */
    synchronized void startMembers(int n) throws IOException, InterruptedException {
        for (int i = 0; i < n; i++) {
            addMember();
        }
    }

    /** Starts a fresh member that joins through the proxies of the running members; returns its id. */
    synchronized String addMember() throws IOException, InterruptedException {
        String id = "m" + (++started);
        List<HostPort> join = new ArrayList<>();
        for (String m : active) {
            if (!crashed.contains(m)) {
                join.add(proxies.get(m).address());
            }
        }
        // The proxy first: the member advertises it. It learns the member's own port once the member bound it.
        PartitionProxy proxy = new PartitionProxy(id, network, this::membersByPid);
        proxies.put(id, proxy);
        local.start(id, join, proxy.address(), proxy::target);
        active.add(id);
        refreshTargets();
        return id;
    }

    /**
     * What became of a removal: whether it was confirmed (a configuration without the member committed, and its
     * process was stopped for good), after how many requests, and the last answer.
     */
    record Removal(boolean confirmed, int attempts, String last) {
    }

    /**
     * Removes member {@code id} through the other responsive members, then stops its process for good. While the
     * outcome is unknown (504, a timeout) or no leader answers (503), the removal is asked again, through the next
     * member, until it is confirmed or {@link #REMOVAL_DEADLINE} passes: a removal that may have committed must be
     * resolved, because stopping a member that is still configured leaves a dead voter, and keeping one that was
     * removed leaves a process nothing replicates to any more. A retried removal of a member already gone is
     * answered at once. A refusal (409: it would leave no reachable quorum, or it is the last voter) is final and
     * changed nothing. Only a confirmed removal stops the process; otherwise the member stays running and active.
     */
    synchronized Removal removeMember(String id) throws InterruptedException {
        long deadline = System.nanoTime() + REMOVAL_DEADLINE.toNanos();
        int attempts = 0;
        String last = "no responsive member to ask";
        for (int round = 0; ; round++) {
            List<String> vias = active.stream().filter(m -> !m.equals(id) && responsive(m)).toList();
            if (!vias.isEmpty()) {
                String via = vias.get(round % vias.size());
                attempts++;
                try {
                    KvHttp.Answer a = admin.remove(local.member(via).http(), id);
                    last = "HTTP " + a.status() + " from " + via + (a.status() == 200 ? "" : " " + a.body());
                    if (a.status() == 200) {
                        active.remove(id);
                        crashed.remove(id);
                        refreshTargets();
                        local.member(id).kill();
                        proxies.remove(id).close();
                        return new Removal(true, attempts, last);
                    }
                    if (a.status() == 409) {
                        return new Removal(false, attempts, last);
                    }
                } catch (IOException e) {
                    last = e + " from " + via;
                }
            }
            if (System.nanoTime() - deadline > 0) {
                return new Removal(false, attempts, last);
            }
            Thread.sleep(500);
        }
    }

    synchronized void kill(String id) {
        local.member(id).kill();
        crashed.add(id);
    }

    synchronized void restart(String id) throws IOException, InterruptedException {
        if (crashed.remove(id)) {
            local.restart(id);
        }
    }

    synchronized void pause(String id) {
        local.member(id).pause();
    }

    synchronized void resume(String id) {
        local.member(id).resume();
    }

    /** Heals the network, continues every paused member and restarts every crashed one. */
    synchronized void healAll() throws IOException, InterruptedException {
        network.heal();
        for (String id : active) {
            local.member(id).resume();
        }
        for (String id : List.copyOf(crashed)) {
            restart(id);
        }
    }

    /** The members in the configuration, running or not. */
    synchronized List<String> active() {
        return List.copyOf(active);
    }

    /** Members that run and are not paused. */
    synchronized List<String> responsive() {
        return active.stream().filter(this::responsive).toList();
    }

    private boolean responsive(String id) {
        ServerProcess p = local.member(id);
        return p.isAlive() && !p.isPaused();
    }

    /** Where clients may send requests: every configured member, including crashed and paused ones. */
    List<Client.Target> targets() {
        return targets;
    }

    private void refreshTargets() {
        targets = active.stream().map(id -> new Client.Target(id, local.member(id).http())).toList();
    }

    HostPort httpOf(String id) {
        return local.member(id).http();
    }

    /** The leader as the responsive member with the highest term that says it leads, if any. */
    Optional<String> leader() {
        return leaderExcept(null);
    }

    /** Like {@link #leader()}, ignoring member {@code excluded} (a paused or isolated old leader). */
    Optional<String> leaderExcept(String excluded) {
        String leader = null;
        long bestTerm = -1;
        for (String id : responsive()) {
            if (id.equals(excluded)) {
                continue;
            }
            Map<String, Object> s = http.status(httpOf(id));
            if ("leader".equals(s.get("role")) && s.get("term") instanceof Long term && term > bestTerm) {
                bestTerm = term;
                leader = id;
            }
        }
        return Optional.ofNullable(leader);
    }

    /** Each responsive member's view: role, term and the leader it follows, for the operations log. */
    Map<String, String> views() {
        Map<String, String> views = new java.util.TreeMap<>();
        for (String id : responsive()) {
            Map<String, Object> s = status(id);
            views.put(id, s.get("role") + "/t" + s.get("term") + "/leader=" + s.get("leader"));
        }
        return views;
    }

    /** The ids in member {@code id}'s configuration, empty when it does not answer in time. */
    Optional<Set<String>> roster(String id) {
        return http.roster(httpOf(id));
    }

    /** {@code /v1/status} of one member, empty when it does not answer in time. */
    Map<String, Object> status(String id) {
        return http.status(httpOf(id));
    }

    /** Connections whose dialer the proxies could not identify. */
    long unidentifiedDialers() {
        return proxies.values().stream().mapToLong(PartitionProxy::unidentified).sum();
    }

    private Map<Long, String> membersByPid() {
        Map<Long, String> byPid = new HashMap<>();
        for (ServerProcess p : local.members()) {
            long pid = p.pid();
            if (pid > 0) {
                byPid.put(pid, p.id());
            }
        }
        return byPid;
    }

    /** Every member's log file, for a failure report. */
    List<ServerProcess> processes() {
        return local.members();
    }

    @Override
    public void close() {
        try {
            for (PartitionProxy proxy : proxies.values()) {
                proxy.close();
            }
        } finally {
            local.close();
        }
    }
}
