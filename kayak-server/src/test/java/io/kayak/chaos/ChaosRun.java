package io.kayak.chaos;

import io.kayak.cli.ServerProcess;
import io.kayak.core.check.Command;
import io.kayak.core.check.History;
import io.kayak.core.check.HistoryFile;
import io.kayak.core.check.LinearizabilityChecker;
import io.kayak.core.check.Response;
import io.kayak.core.check.Result;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * One chaos run: start a cluster behind proxies, run concurrent clients and the {@link Nemesis} for a while, heal,
 * wait for convergence, read every key from every member (linearizable reads into the history, local reads compared
 * across members), check the history and, if anything is wrong, keep the evidence. In sessions mode the clients'
 * writes go through client sessions and are retried until decided, and counters incremented the same way are
 * checked for exactly-once application ({@link CounterCheck}).
 */
final class ChaosRun {
    private static final List<String> KEYS = List.of("k0", "k1", "k2", "k3", "k4");
    /** Sessions mode: the keys only increments touch. */
    private static final List<String> COUNTERS = List.of("c0", "c1");
    private static final Duration CONVERGENCE = Duration.ofSeconds(90);
    /** How many times the local values are read while late writes keep the members' applied indexes moving. */
    private static final int LOCAL_READ_ROUNDS = 40;
    private static final long LOCAL_READ_PAUSE_MILLIS = 250;

    /**
     * What to run.
     *
     * @param name    the fault mix's name
     * @param seed    seeds the fault schedule and the clients
     * @param members the cluster's start size
     * @param mix     the faults to draw from
     * @param faults  how long clients and faults run
     * @param clients concurrent client processes
     * @param sessions whether clients write through client sessions, retrying until decided (sessions mode)
     */
    record Settings(String name, long seed, int members, List<Fault> mix, Duration faults, int clients,
                    boolean sessions) {
    }

    private final Settings settings;
    private final String classpath;
    private final Path keepRoot;
    private final Recorder recorder = new Recorder();
    private final KvHttp http = new KvHttp(Duration.ofSeconds(3));
    private final CounterCheck counters = new CounterCheck();
    private int sessionsOpened;
    private int retries;
    /** Where the evidence of a failed run is kept; null until needed. */
    private Path evidence;

    ChaosRun(Settings settings, String classpath, Path keepRoot) {
        this.settings = settings;
        this.classpath = classpath;
        this.keepRoot = keepRoot;
    }

    RunReport run() throws IOException, InterruptedException {
        long start = System.nanoTime();
        List<String> problems = new ArrayList<>();
        Map<Fault, Integer> faults;
        List<String> divergence;
        Map<String, Long> finalCounters = Map.of();
        int probes;
        try (ChaosCluster cluster = new ChaosCluster(classpath)) {
            if (!DialerLookup.available()) {
                throw new IllegalStateException("partitions need /proc/net/tcp (Linux)");
            }
            try {
                cluster.startMembers(settings.members());
                recorder.event("started " + cluster.active());
                StaleReadProbe probe = new StaleReadProbe(KEYS, http, recorder, cluster::httpOf);
                faults = workload(cluster, probe, problems);
                probes = probe.fired();
                recorder.event("healing");
                cluster.healAll();
                awaitConvergence(cluster, problems);
                List<String> compared = cluster.leader().flatMap(cluster::roster).map(r -> configured(cluster, r))
                        .orElse(cluster.active());
                divergence = finalReads(cluster, compared);
                if (settings.sessions()) {
                    finalCounters = finalCounters(cluster, compared);
                }
                if (!divergence.isEmpty()) {
                    problems.addAll(diagnosis(cluster));
                    Map<String, Path> copies = copyData(cluster);
                    copies.keySet().retainAll(compared);
                    LogComparison.compare(copies, ChaosCluster.segmentBytes()).forEach(l -> problems.add("logs: " + l));
                }
            } catch (IOException | RuntimeException e) {
                // The cluster's directory goes away on close: keep the members' logs before it does.
                recorder.event("run aborted: " + e);
                Path kept = keep(recorder.history(), cluster, null);
                throw new IllegalStateException("chaos run " + settings.name() + " seed=" + settings.seed()
                        + " aborted (evidence in " + kept.getParent() + "): " + e.getMessage(), e);
            }
            if (cluster.unidentifiedDialers() > 0) {
                recorder.event(cluster.unidentifiedDialers() + " proxied connection(s) from unidentified dialers");
            }
            History history = recorder.history();
            Result result = LinearizabilityChecker.check(history);
            RunReport.Snapshots snapshots = new RunReport.Snapshots(cluster.countInLogs("log compacted up to"),
                    cluster.countInLogs("installed the leader's snapshot"));
            RunReport.Sessions sessions = settings.sessions() ? new RunReport.Sessions(sessionsOpened, retries,
                    counters.check(finalCounters)) : null;
            RunReport report = new RunReport(settings.name(), settings.seed(),
                    Duration.ofNanos(System.nanoTime() - start), history.size(), recorder.ok(), recorder.failed(),
                    recorder.unknown(), faults, probes, result, divergence, problems, snapshots, sessions, null);
            if (!report.passed() || Boolean.getBoolean("kayak.chaos.keep")) {
                report = report.keptIn(keep(history, cluster, report));
            }
            return report;
        }
    }

    private Map<Fault, Integer> workload(ChaosCluster cluster, StaleReadProbe probe, List<String> problems)
            throws InterruptedException {
        long deadline = System.nanoTime() + settings.faults().toNanos();
        Map<String, String> recent = new ConcurrentHashMap<>();
        List<Thread> threads = new ArrayList<>();
        List<Client> clients = new ArrayList<>();
        Client.Sessions sessions = settings.sessions() ? new Client.Sessions(COUNTERS, counters) : null;
        for (int i = 0; i < settings.clients(); i++) {
            Client c = new Client(i, KEYS, cluster::targets, http, recorder, recent, settings.seed() * 31 + i,
                    deadline, sessions);
            clients.add(c);
            threads.add(new Thread(c, "chaos-client-" + i));
        }
        Nemesis nemesis = new Nemesis(cluster, settings.mix(), settings.seed(), deadline, settings.members(),
                recorder, probe);
        Thread nemesisThread = new Thread(nemesis, "chaos-nemesis");
        threads.forEach(Thread::start);
        nemesisThread.start();
        try {
            // The nemesis stops at the deadline after undoing its last fault (a restart may take a while).
            nemesisThread.join(settings.faults().toMillis() + 120_000);
        } finally {
            nemesis.stop();
            clients.forEach(Client::stop);
            for (Thread t : threads) {
                t.join(20_000);
                if (t.isAlive()) {
                    problems.add(t.getName() + " did not stop");
                    t.interrupt();
                }
            }
            if (nemesisThread.isAlive()) {
                problems.add("the nemesis did not stop");
                nemesisThread.interrupt();
                nemesisThread.join(10_000);
            }
        }
        for (Client c : clients) {
            sessionsOpened += c.sessionsOpened();
            retries += c.retries();
        }
        probe.awaitAll(10_000);
        recorder.event(probe.fired() + " stale-read probe reads fired");
        problems.addAll(nemesis.errors());
        return nemesis.injected();
    }

    /**
     * Waits until a leader exists, its configuration holds no member the harness stopped for good, and every member
     * of that configuration has applied the leader's commit index, twice in a row.
     */
    private void awaitConvergence(ChaosCluster cluster, List<String> problems) throws InterruptedException {
        long deadline = System.nanoTime() + CONVERGENCE.toNanos();
        int stableRounds = 0;
        String last = "";
        while (System.nanoTime() < deadline) {
            Optional<String> leader = cluster.leader();
            Optional<java.util.Set<String>> roster = leader.flatMap(cluster::roster);
            if (leader.isPresent() && roster.isPresent()) {
                Object commit = cluster.status(leader.get()).get("commit");
                boolean all = commit != null;
                StringBuilder state = new StringBuilder("leader " + leader.get() + " commit " + commit + ";");
                for (String id : configured(cluster, roster.get())) {
                    Object applied = cluster.status(id).get("applied");
                    state.append(' ').append(id).append('=').append(applied);
                    all &= Objects.equals(applied, commit);
                }
                List<String> stopped = roster.get().stream().filter(id -> !cluster.active().contains(id)).toList();
                if (!stopped.isEmpty()) {
                    // A member the harness stopped after a confirmed removal is still configured: a dead voter.
                    state.append("; configured but stopped: ").append(stopped);
                    all = false;
                }
                List<String> outside = cluster.active().stream().filter(id -> !roster.get().contains(id)).toList();
                if (!outside.isEmpty()) {
                    state.append("; running outside the configuration: ").append(outside);
                }
                last = state.toString();
                stableRounds = all ? stableRounds + 1 : 0;
                if (stableRounds >= 2) {
                    recorder.event("converged: " + last);
                    return;
                }
            }
            Thread.sleep(250);
        }
        problems.add("no convergence within " + CONVERGENCE.toSeconds() + "s: " + last);
    }

    /**
     * The active members that the leader's configuration holds: a member whose removal committed stops receiving
     * the log (even when the harness could not confirm the removal and left it running), so it is not expected to
     * converge.
     */
    private static List<String> configured(ChaosCluster cluster, java.util.Set<String> roster) {
        return cluster.active().stream().filter(roster::contains).toList();
    }

    /**
     * Reads every key from every member twice: linearizably (recorded in the history, so a lost acknowledged write
     * fails the check) and locally (compared across members at one common applied index, see
     * {@link SettledComparison}). Returns the keys whose local values differ.
     */
    private List<String> finalReads(ChaosCluster cluster, List<String> members) throws InterruptedException {
        for (int m = 0; m < members.size(); m++) {
            for (String key : KEYS) {
                linearizableRead(cluster, members.get(m), 10_000 + m, key);
            }
        }
        SettledComparison comparison = new SettledComparison(LOCAL_READ_ROUNDS, LOCAL_READ_PAUSE_MILLIS,
                recorder::event);
        return comparison.divergence(new SettledComparison.Members() {
            @Override
            public Map<String, Object> appliedIndexes() {
                Map<String, Object> applied = new LinkedHashMap<>();
                for (String id : members) {
                    applied.put(id, cluster.status(id).get("applied"));
                }
                return applied;
            }

            @Override
            public Map<String, Map<String, String>> localValues() throws InterruptedException {
                return ChaosRun.this.localValues(cluster, members);
            }
        });
    }

    /** Every key's local value on every member, by key. */
    private Map<String, Map<String, String>> localValues(ChaosCluster cluster, List<String> members)
            throws InterruptedException {
        Map<String, Map<String, String>> localByKey = new LinkedHashMap<>();
        List<String> keys = new ArrayList<>(KEYS);
        if (settings.sessions()) {
            keys.addAll(COUNTERS);
        }
        for (String id : members) {
            for (String key : keys) {
                String local;
                try {
                    KvHttp.Answer a = http.read(cluster.httpOf(id), key, true);
                    local = a.status() == 200 ? a.body() : a.status() == 404 ? "(absent)" : "(HTTP " + a.status() + ")";
                } catch (IOException e) {
                    local = "(" + e.getClass().getSimpleName() + ")";
                }
                localByKey.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(id, local);
            }
        }
        return localByKey;
    }

    /**
     * What each member says of itself (status) and the last lines of its log that tell how its state was built:
     * printed with a divergence, so that a failure seen only in a build log still shows where to look.
     */
    private static List<String> diagnosis(ChaosCluster cluster) {
        List<String> lines = new ArrayList<>();
        for (String id : cluster.active()) {
            lines.add("diagnosis " + id + " status " + cluster.status(id));
            cluster.notableLogLines(id, 12).forEach(l -> lines.add("diagnosis " + id + " log: " + l));
        }
        return lines;
    }

    /**
     * Each counter's final value, read linearizably (absent: 0) through the first of {@code members} that answers;
     * a counter no member answered for is left out, which fails the check.
     */
    private Map<String, Long> finalCounters(ChaosCluster cluster, List<String> members) throws InterruptedException {
        Map<String, Long> finals = new LinkedHashMap<>();
        for (String counter : COUNTERS) {
            for (int attempt = 0; attempt < 20 && !finals.containsKey(counter); attempt++) {
                String id = members.get(attempt % members.size());
                try {
                    KvHttp.Answer a = http.read(cluster.httpOf(id), counter, false);
                    if (a.status() == 200 || a.status() == 404) {
                        finals.put(counter, a.status() == 200 ? Long.parseLong(a.body().strip()) : 0L);
                        recorder.event("final " + counter + " = " + finals.get(counter) + " via " + id);
                        break;
                    }
                } catch (IOException e) {
                    // the next member, after a pause
                }
                Thread.sleep(250);
            }
        }
        return finals;
    }

    private void linearizableRead(ChaosCluster cluster, String id, int process, String key)
            throws InterruptedException {
        for (int attempt = 0; attempt < 20; attempt++) {
            int op = recorder.invoke(process, Command.read(key), id);
            try {
                KvHttp.Answer a = http.read(cluster.httpOf(id), key, false);
                if (a.status() == 200 || a.status() == 404) {
                    recorder.ok(op, Response.read(a.status() == 200 ? a.body() : null), "final read");
                    return;
                }
                recorder.fail(op, "final read HTTP " + a.status());
            } catch (IOException e) {
                recorder.fail(op, "final read " + e.getClass().getSimpleName());
            }
            Thread.sleep(250);
        }
    }

    /**
     * Keeps (for a failed run, or any with {@code -Dkayak.chaos.keep=true}) the history (JSON Lines), the operations
     * log, the summary, every member's log and a copy of every member's data directory.
     */
    private Path keep(History history, ChaosCluster cluster, RunReport report) throws IOException {
        Path dir = evidenceDir();
        Path file = dir.resolve("history.jsonl");
        HistoryFile.write(history, file);
        Files.write(dir.resolve("operations.log"), recorder.notes());
        if (report != null) {
            Files.writeString(dir.resolve("summary.txt"), report.summary());
        }
        for (ServerProcess p : cluster.processes()) {
            if (Files.exists(p.logFile())) {
                Files.copy(p.logFile(), dir.resolve(p.id() + ".log"), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        copyData(cluster);
        return file;
    }

    /** The folder this run's evidence is kept in, created on first use. */
    private Path evidenceDir() throws IOException {
        if (evidence == null) {
            evidence = keepRoot.resolve(settings.name() + "-seed" + settings.seed() + "-" + System.currentTimeMillis());
            Files.createDirectories(evidence);
        }
        return evidence;
    }

    /**
     * Copies every member's data directory (log segments, snapshots) into the evidence folder, once, and returns
     * the copies by member: a divergence can then be traced to the first index where the logs differ. Members still
     * running may be writing meanwhile, so a copy may end in a torn record, which opening it cuts.
     */
    private Map<String, Path> copyData(ChaosCluster cluster) throws IOException {
        Map<String, Path> copies = new LinkedHashMap<>();
        for (ServerProcess p : cluster.processes()) {
            Path data = p.logFile().resolveSibling(p.id());
            Path copy = evidenceDir().resolve(p.id() + "-data");
            if (Files.isDirectory(data)) {
                if (!Files.exists(copy)) {
                    copyTree(data, copy);
                }
                copies.put(p.id(), copy);
            }
        }
        return copies;
    }

    /** Copies what it can of {@code from}: files a running member deletes meanwhile are skipped. */
    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                try {
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                } catch (NoSuchFileException goneMeanwhile) {
                    // a segment compacted away or a partial snapshot renamed while copying
                }
            }
        } catch (UncheckedIOException walkLostAFile) {
            // the walk itself met a file deleted under it: what was copied so far stays
        }
    }
}
