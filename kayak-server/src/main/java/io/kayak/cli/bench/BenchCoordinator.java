package io.kayak.cli.bench;

import io.kayak.server.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The {@code kayak bench} coordinator: starts clusters of replica processes, waits (always with a limit) for
 * their results or drives the leader kills, and returns one JSON line. Every replica it started is stopped by its
 * process handle when it returns, fails, or the JVM is interrupted (Ctrl-C).
 */
public final class BenchCoordinator {
    private final BenchOptions options;
    private final Path runDir;
    private volatile ReplicaCluster current;

    public BenchCoordinator(BenchOptions options) throws IOException {
        this.options = options;
        this.runDir = Files.createTempDirectory("kayak-bench-");
    }

    /** Progress on stderr; stdout carries only the result line. */
    static void note(String message) {
        System.err.println("[kayak bench " + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + "] " + message);
    }

    /** Runs the workload and returns its JSON line. */
    public String run() throws Exception {
        // On SIGTERM or Ctrl-C the finally block below never runs: the hook stops the replicas and tidies up.
        Thread onSignal = new Thread(() -> {
            stopCurrent();
            removeRunFolderUnlessKept();
        }, "kayak-bench-stop");
        Runtime.getRuntime().addShutdownHook(onSignal);
        try {
            return options.workload().equals("w1") ? runW1() : runW2();
        } finally {
            stopCurrent();
            try {
                Runtime.getRuntime().removeShutdownHook(onSignal);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running already
            }
            removeRunFolderUnlessKept();
        }
    }

    private synchronized void removeRunFolderUnlessKept() {
        if (!Files.exists(runDir)) {
            return;
        }
        if (options.keep() || options.jfr()) {
            note("kept run folder " + runDir);
        } else {
            deleteTree(runDir);
        }
    }

    private String runW1() throws Exception {
        int limit = options.warmupSeconds() + options.seconds() + 120;
        ReplicaCluster cluster = startCluster(runDir.resolve("w1"), limit + 30);
        RunFiles files = cluster.files();
        String result = awaitFile(cluster, "result.json", limit).orElseThrow(
                () -> new IllegalStateException("no W1 result within " + limit + " s; logs in " + runDir));
        stopCurrent(); // SIGTERM: every replica writes its applied count from a shutdown hook
        List<Object> applied = new ArrayList<>();
        for (int i = 0; i < options.members(); i++) {
            applied.add(files.read("applied-n" + i).map(Long::parseLong).orElse(null));
        }
        Map<String, Object> json = new LinkedHashMap<>(Json.parseObject(result));
        json.put("applied_per_replica_total", applied);
        return Json.write(json);
    }

    private String runW2() throws Exception {
        List<Object> failover = new ArrayList<>();
        List<Object> observed = new ArrayList<>();
        List<Object> killed = new ArrayList<>();
        List<Object> successors = new ArrayList<>();
        for (int r = 1; r <= options.repeat(); r++) {
            ReplicaCluster cluster = startCluster(runDir.resolve("w2-" + r), 240);
            RunFiles files = cluster.files();
            String leaderLine = awaitFile(cluster, "leader", 90).orElseThrow(
                    () -> new IllegalStateException("no leader committed within 90 s; logs in " + runDir));
            Thread.sleep(options.warmupSeconds() * 1_000L); // C=1 load on the leader meanwhile
            cluster.checkAlive();
            int leader = Integer.parseInt(files.read("leader").orElse(leaderLine).split(" ")[0]);
            long t0 = cluster.kill(leader);
            note("rep " + r + ": kill -9 leader n" + leader + " (pid " + cluster.pids().get(leader) + ")");
            long[] first = awaitSuccessorCommit(files, leader, t0);
            double failoverMs = (first[1] - t0) / 1000.0;
            failover.add(failoverMs);
            observed.add((first[0] - t0) / 1000);
            killed.add(leader);
            successors.add((int) first[2]);
            note("rep " + r + ": first commit by new leader n" + first[2] + " after " + failoverMs
                    + " ms (leadership observed at +" + (first[0] - t0) / 1000 + " ms)");
            stopCurrent();
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("peer", "kayak");
        json.put("workload", "w2");
        json.put("repeats", options.repeat());
        json.put("failover_ms", failover);
        json.put("new_leader_observed_ms", observed);
        json.put("killed_leader", killed);
        json.put("new_leader", successors);
        json.put("load_before_kill", "C=1 for " + options.warmupSeconds() + "s");
        json.put("durable", true);
        json.put("election_ms_override", options.electionMs());
        json.put("settings", settingsOf(options));
        return Json.write(json);
    }

    /** {observed µs, committed µs, member} of the earliest commit after {@code t0} by a member other than the victim. */
    private long[] awaitSuccessorCommit(RunFiles files, int victim, long t0) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            long[] best = null;
            for (int i = 0; i < options.members(); i++) {
                if (i == victim) {
                    continue;
                }
                for (String line : files.read("first-commit-n" + i).orElse("").split("\n")) {
                    String[] f = line.trim().split(" ");
                    if (f.length == 2 && Long.parseLong(f[1]) > t0 && (best == null || Long.parseLong(f[1]) < best[1])) {
                        best = new long[] {Long.parseLong(f[0]), Long.parseLong(f[1]), i};
                    }
                }
            }
            if (best != null) {
                return best;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("no commit by a new leader within 120 s of the kill; logs in " + runDir);
    }

    private ReplicaCluster startCluster(Path dir, int maxRuntimeSeconds) throws IOException {
        ReplicaCluster cluster = ReplicaCluster.start(dir, options, maxRuntimeSeconds);
        current = cluster;
        return cluster;
    }

    private Optional<String> awaitFile(ReplicaCluster cluster, String name, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            Optional<String> content = cluster.files().read(name);
            if (content.isPresent()) {
                return content;
            }
            cluster.checkAlive();
            Thread.sleep(50);
        }
        return Optional.empty();
    }

    private synchronized void stopCurrent() {
        ReplicaCluster cluster = current;
        current = null;
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Map<String, Object> settingsOf(BenchOptions o) {
        return new ReplicaSettings(0, o.members(), Path.of("."), o.workload(), o.clients(), o.warmupSeconds(),
                o.seconds(), o.payload(), o.electionMs(), o.completion(), o.sessions()).describe();
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
