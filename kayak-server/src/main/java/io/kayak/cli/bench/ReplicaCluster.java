package io.kayak.cli.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
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
        int basePort = pickBasePort(options.members());
        try {
            for (int i = 0; i < options.members(); i++) {
                cluster.processes.add(new ProcessBuilder(cluster.command(i, basePort, options, maxRuntimeSeconds))
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("n" + i + ".log").toFile()).start());
            }
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
        BenchCoordinator.note("started " + options.members() + " replicas, pids " + cluster.pids()
                + " on 127.0.0.1:" + basePort + "-" + (basePort + options.members() - 1) + " in " + dir);
        return cluster;
    }

    private List<String> command(int index, int basePort, BenchOptions o, int maxRuntimeSeconds) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(List.of("-Xms" + o.heap(), "-Xmx" + o.heap(), "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError",
                "-Djava.io.tmpdir=" + dir.resolve("tmp"), "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
        if (o.jfr()) {
            cmd.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                    + dir.resolve("n" + index + ".jfr"));
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.kayak.cli.Main", "bench-replica",
                "--index", Integer.toString(index), "--members", Integer.toString(o.members()),
                "--base-port", Integer.toString(basePort), "--data", dir.resolve("n" + index).toString(),
                "--out", files.dir().toString(), "--workload", o.workload(),
                "--clients", Integer.toString(o.clients()), "--warmup", Integer.toString(o.warmupSeconds()),
                "--seconds", Integer.toString(o.seconds()), "--payload", Integer.toString(o.payload()),
                "--election-ms", Integer.toString(o.electionMs()), "--completion", o.completion().name(),
                "--max-runtime", Integer.toString(maxRuntimeSeconds)));
        return cmd;
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

    /**
     * A free range of ports below the kernel's ephemeral range, so that no outgoing connection can hold a port a
     * replica is about to listen on.
     */
    static int pickBasePort(int count) throws IOException {
        int ephemeralLow = 32768;
        try {
            ephemeralLow = Integer.parseInt(
                    ProcCpu.read(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException unknown) {
            // keep Linux's default
        }
        if (ephemeralLow < 12_000) {
            throw new IOException("the ephemeral port range starts at " + ephemeralLow + ": no room below it");
        }
        int slots = (ephemeralLow - 10_000 - 100) / 100;
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = 10_000 + ThreadLocalRandom.current().nextInt(slots) * 100;
            if (allFree(base, count)) {
                return base;
            }
        }
        throw new IOException("no free port range found on 127.0.0.1");
    }

    private static boolean allFree(int base, int count) {
        for (int i = 0; i < count; i++) {
            try (ServerSocket s = new ServerSocket(base + i, 1, InetAddress.getLoopbackAddress())) {
                s.setReuseAddress(true);
            } catch (IOException taken) {
                return false;
            }
        }
        return true;
    }
}
