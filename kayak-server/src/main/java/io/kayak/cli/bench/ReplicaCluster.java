package io.kayak.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The replica JVMs of one benchmark cluster on loopback: starts them ({@code kayak bench-replica}), each with a
 * fresh data directory, and stops each by its own process handle (SIGTERM, then SIGKILL), never by name.
 */
public final class ReplicaCluster implements AutoCloseable {
    private final List<Process> processes = new ArrayList<>();
    private final Path dir;
    private final RunFiles files;

    private ReplicaCluster(Path dir) {
        this.dir = dir;
        this.files = new RunFiles(dir.resolve("out"));
    }

    /** Starts {@code options.members()} replicas in {@code dir} running {@code workload}. */
    public static ReplicaCluster start(Path dir, BenchOptions options, int maxRuntimeSeconds) throws IOException {
        ReplicaCluster cluster = new ReplicaCluster(dir);
        Files.createDirectories(cluster.files.dir());
        Files.createDirectories(dir.resolve("tmp"));
        try {
            for (int i = 0; i < options.members(); i++) {
                cluster.processes.add(new ProcessBuilder(cluster.command(i, options, maxRuntimeSeconds))
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("n" + i + ".log").toFile()).start());
            }
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
        BenchCoordinator.note("started " + options.members() + " replicas, pids " + cluster.pids()
                + " on loopback ports of their own choosing, in " + dir);
        return cluster;
    }

    private List<String> command(int index, BenchOptions o, int maxRuntimeSeconds) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(List.of("-Xms" + o.heap(), "-Xmx" + o.heap(), "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError",
                "-Djava.io.tmpdir=" + dir.resolve("tmp"), "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
        if (o.jfr()) {
            cmd.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                    + dir.resolve("n" + index + ".jfr"));
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.kayak.cli.Main", "bench-replica"));
        cmd.addAll(replicaArguments(index, o, dir.resolve("n" + index), files.dir(), maxRuntimeSeconds));
        return cmd;
    }

    /**
     * The arguments of {@code kayak bench-replica} that run member {@code index} of a cluster for {@code o}, with
     * its data in {@code dataDir}, talking to the coordinator through {@code outDir}.
     */
    public static List<String> replicaArguments(int index, BenchOptions o, Path dataDir, Path outDir,
                                                int maxRuntimeSeconds) {
        List<String> args = new ArrayList<>(List.of(
                "--index", Integer.toString(index), "--members", Integer.toString(o.members()),
                "--data", dataDir.toString(), "--out", outDir.toString(), "--workload", o.workload(),
                "--clients", Integer.toString(o.clients()), "--warmup", Integer.toString(o.warmupSeconds()),
                "--seconds", Integer.toString(o.seconds()), "--payload", Integer.toString(o.payload()),
                "--election-ms", Integer.toString(o.electionMs()), "--completion", o.completion().name(),
                "--max-runtime", Integer.toString(maxRuntimeSeconds)));
        if (o.sessions()) {
            args.add("--sessions");
        }
        return args;
    }

    public RunFiles files() {
        return files;
    }

    public List<Long> pids() {
        return processes.stream().map(Process::pid).toList();
    }

    /** Fails when a replica exited by itself, naming its log. */
    public void checkAlive() {
        for (int i = 0; i < processes.size(); i++) {
            if (!processes.get(i).isAlive()) {
                throw new IllegalStateException("replica n" + i + " exited (code " + processes.get(i).exitValue()
                        + "); see " + dir.resolve("n" + i + ".log"));
            }
        }
    }

    /** SIGKILL to replica {@code index}, returning the wall-clock µs taken just before the signal. */
    public long kill(int index) throws InterruptedException {
        Process victim = processes.get(index);
        long t0 = RunFiles.epochMicros();
        victim.destroyForcibly();
        victim.waitFor(10, TimeUnit.SECONDS);
        return t0;
    }

    /** SIGTERM to every live replica, SIGKILL to those still running 5 s later. */
    @Override
    public void close() {
        for (Process p : processes) {
            p.destroy();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (Process p : processes) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!p.waitFor(left, TimeUnit.NANOSECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
