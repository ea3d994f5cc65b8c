package io.kayak.cli;

import io.kayak.Completion;
import io.kayak.cli.bench.BenchReplica;
import io.kayak.cli.bench.ReplicaSettings;
import io.kayak.cli.bench.RunFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code kayak bench-replica}: one replica process of {@code kayak bench}; started by it, not by people. */
@Command(name = "bench-replica", hidden = true, description = "One replica process of kayak bench.")
public final class BenchReplicaCommand implements Callable<Integer> {
    @Option(names = "--index", required = true)
    int index;
    @Option(names = "--members", required = true)
    int members;
    @Option(names = "--data", required = true)
    Path data;
    @Option(names = "--out", required = true)
    Path out;
    @Option(names = "--workload", required = true)
    String workload;
    @Option(names = "--clients")
    int clients = 1;
    @Option(names = "--warmup")
    int warmup = 5;
    @Option(names = "--seconds")
    int seconds = 15;
    @Option(names = "--payload")
    int payload = 128;
    @Option(names = "--election-ms")
    int electionMs;
    @Option(names = "--completion")
    Completion completion = Completion.EVENT_LOOP;
    @Option(names = "--sessions")
    boolean sessions;
    @Option(names = "--max-runtime", description = "halt after this many seconds whatever happens")
    int maxRuntime = 300;

    @Override
    public Integer call() throws Exception {
        startGuard();
        try {
            new BenchReplica(settings(), new RunFiles(out)).run();
            return 0;
        } catch (Exception | Error e) {
            System.err.println("bench-replica n" + index + " failed: " + e);
            e.printStackTrace();
            System.err.flush();
            Runtime.getRuntime().halt(2);
            return 2;
        }
    }

    /** What this replica runs, as its command line says. */
    ReplicaSettings settings() {
        return new ReplicaSettings(index, members, data, workload, clients, warmup, seconds, payload, electionMs,
                completion, sessions);
    }

    /** Never outlive the benchmark: halt after the maximum runtime, or as soon as the coordinator is gone. */
    private void startGuard() {
        Optional<ProcessHandle> parent = ProcessHandle.current().parent();
        Thread guard = new Thread(() -> {
            long deadline = System.nanoTime() + maxRuntime * 1_000_000_000L;
            try {
                while (System.nanoTime() < deadline) {
                    if (parent.isPresent() && !parent.get().isAlive()) {
                        Runtime.getRuntime().halt(4);
                    }
                    Thread.sleep(500);
                }
            } catch (InterruptedException ignored) {
                return;
            }
            Runtime.getRuntime().halt(3);
        }, "bench-replica-guard");
        guard.setDaemon(true);
        guard.start();
    }
}
