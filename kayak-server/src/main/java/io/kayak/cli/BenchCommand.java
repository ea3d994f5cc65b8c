package io.kayak.cli;

import io.kayak.Completion;
import io.kayak.cli.bench.BenchCoordinator;
import io.kayak.cli.bench.BenchOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/**
 * {@code kayak bench w1|w2}: the side-by-side Raft workloads (closed-loop throughput and latency; failover after
 * {@code kill -9} of the leader) on a cluster of replica processes on loopback. Prints one JSON line on stdout.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Runs workload W1 (closed-loop throughput/latency, driver in the leader's JVM) or W2 "
                + "(leader kill -9 failover) on a fresh cluster of replica JVMs on 127.0.0.1, fsync on.",
                "Prints one JSON line on stdout; progress goes to stderr."})
public final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "w1|w2", description = "the workload")
    String workload;

    @Option(names = "--clients", paramLabel = "C", description = "outstanding appends (W1; W2 uses 1), default 1")
    int clients = 1;

    @Option(names = "--seconds", paramLabel = "S", description = "measured seconds (W1), default 15")
    int seconds = 15;

    @Option(names = "--warmup", paramLabel = "S",
            description = "warm-up seconds (W1) or seconds of C=1 load before each kill (W2), default 5")
    int warmup = 5;

    @Option(names = "--payload", paramLabel = "BYTES", description = "bytes per append, default 128")
    int payload = 128;

    @Option(names = "--repeat", paramLabel = "N", description = "W2 kills, a fresh cluster each, default 3")
    int repeat = 3;

    @Option(names = "--members", paramLabel = "N", description = "cluster size, default 3")
    int members = 3;

    @Option(names = "--election-ms", paramLabel = "MS", description = "election timeout, 0 = Kayak's default")
    int electionMs;

    @Option(names = "--heap", paramLabel = "SIZE", description = "-Xms/-Xmx of each replica JVM, default 1g")
    String heap = "1g";

    @Option(names = "--keep", description = "keep the run folder (replica logs and data)")
    boolean keep;

    @Option(names = "--jfr", description = "record a JFR profile (settings=profile) in every replica; keeps the run folder")
    boolean jfr;

    @Option(names = "--completion", paramLabel = "event-loop|dispatch", converter = CompletionConverter.class,
            description = "where append futures complete (HostOptions.completion), and so where the driver's "
                    + "non-blocking callback runs: event-loop (default) or dispatch (the host's default)")
    Completion completion = Completion.EVENT_LOOP;

    @Option(names = "--sessions", description = "W1: every client slot opens its own Session (Log.openSession) "
            + "before the warm-up and appends through it, exactly once, instead of through Log.append")
    boolean sessions;

    /** Reads {@code event-loop} or {@code dispatch}. */
    static final class CompletionConverter implements picocli.CommandLine.ITypeConverter<Completion> {
        @Override
        public Completion convert(String value) {
            switch (value) {
                case "event-loop": return Completion.EVENT_LOOP;
                case "dispatch": return Completion.DISPATCH_THREAD;
                default: throw new picocli.CommandLine.TypeConversionException(
                        "'" + value + "' is not event-loop or dispatch");
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        System.out.println(new BenchCoordinator(options()).run());
        System.out.flush();
        return 0;
    }

    /** The checked options of this command line; W2 always uses one client and no sessions. */
    BenchOptions options() {
        if (!workload.equals("w1") && !workload.equals("w2")) {
            throw new CliException("unknown workload '" + workload + "' (w1|w2)");
        }
        if (clients < 1 || seconds < 1 || warmup < 0 || payload < 0 || repeat < 1 || members < 1 || electionMs < 0) {
            throw new CliException("--clients, --seconds, --repeat and --members must be positive; "
                    + "--warmup, --payload and --election-ms not negative");
        }
        boolean w1 = workload.equals("w1");
        return new BenchOptions(workload, w1 ? clients : 1, seconds, warmup, payload, repeat, members, electionMs,
                heap, keep, jfr, completion, w1 && sessions);
    }
}
