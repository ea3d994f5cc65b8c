package io.kayak.cli.bench;

import io.kayak.Host;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Workload W2 on every member: whenever this member leads, keeps one append outstanding (C=1, back to back) and
 * records the wall-clock time of its first committed write as leader in {@code first-commit-n<i>} as
 * "observed committed" (µs), and its id in {@code leader}, so the coordinator knows whom to kill.
 */
public final class FailoverProber {
    private final Host host;
    private final ReplicaSettings settings;
    private final RunFiles files;
    private final byte[] template;

    public FailoverProber(Host host, ReplicaSettings settings, RunFiles files) {
        this.host = host;
        this.settings = settings;
        this.files = files;
        this.template = new byte[settings.payload()];
        new Random(7).nextBytes(template);
    }

    /** Starts the prober on a daemon thread; it lives as long as the process. */
    public void start() {
        Thread t = new Thread(this::probe, "bench-failover-prober");
        t.setDaemon(true);
        t.start();
    }

    private void probe() {
        try {
            while (true) {
                if (!BenchReplica.leads(host)) {
                    Thread.sleep(1); // polled every millisecond, as the workload defines
                    continue;
                }
                long observed = RunFiles.epochMicros();
                writeWhileLeading(observed);
            }
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
        }
    }

    private void writeWhileLeading(long observed) throws InterruptedException {
        boolean first = true;
        while (BenchReplica.leads(host)) {
            try {
                host.log().append(template.clone()).get(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception failed) {
                Thread.sleep(1); // lost leadership or timed out: check the role again
                continue;
            }
            if (first) {
                first = false;
                long committed = RunFiles.epochMicros();
                files.appendLine("first-commit-n" + settings.index(), observed + " " + committed);
                files.write("leader", settings.index() + " " + committed);
            }
        }
    }
}
