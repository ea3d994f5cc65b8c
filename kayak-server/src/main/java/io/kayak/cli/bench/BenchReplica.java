package io.kayak.cli.bench;

import io.kayak.Host;
import io.kayak.HostOptions;
import io.kayak.Kayak;
import io.kayak.KayakException;
import io.kayak.Member;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One replica process of {@code kayak bench}: brings up its member on a loopback port the system picks (member 0
 * seeds and publishes the address it bound, the others join through it),
 * waits until every member is a voter, then runs its part of the workload. It stays up until the coordinator
 * stops it; on SIGTERM it writes its applied count.
 */
public final class BenchReplica {
    private static final long STARTUP_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(120);

    private final ReplicaSettings settings;
    private final RunFiles files;

    public BenchReplica(ReplicaSettings settings, RunFiles files) {
        this.settings = settings;
        this.files = files;
    }

    /** Whether {@code host} currently believes it is the leader. */
    public static boolean leads(Host host) {
        return host.leader().map(m -> m.id().equals(host.id())).orElse(false);
    }

    /** Runs until the process is stopped from outside (or the start-up fails, with an exception). */
    public void run() throws Exception {
        long deadline = System.nanoTime() + STARTUP_LIMIT_NANOS;
        Host host = startHost(deadline);
        AppliedCounter counter = AppliedCounter.start(host);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                files.write("applied-n" + settings.index(), Long.toString(counter.settle(2_000)));
            } catch (InterruptedException | RuntimeException ignored) {
                // best effort: a missing count shows as null in the result
            }
        }, "bench-applied-report"));
        awaitVoters(host, deadline);
        files.write("ready-n" + settings.index(), Long.toString(ProcessHandle.current().pid()));
        if (settings.workload().equals("w1")) {
            driveIfLeader(host, deadline);
        } else {
            new FailoverProber(host, settings, files).start();
        }
        host.stopped().get(); // the member runs on its own threads until SIGTERM or a failure
    }

    private Host startHost(long deadline) throws Exception {
        HostOptions.Builder options = HostOptions.builder().id("n" + settings.index())
                .listen("127.0.0.1:0")
                .heartbeatInterval(settings.heartbeat()).electionTimeout(settings.electionTimeout())
                .completion(settings.completion());
        if (settings.index() == 0) {
            Files.createDirectories(settings.dataDir());
            Host host = Kayak.start(options.dataDir(settings.dataDir()).build());
            // The others join through the address it bound; the file appears whole (one rename).
            files.write("seeded", host.address());
            return host;
        }
        while (!files.exists("seeded")) {
            checkDeadline(deadline, "member 0 did not seed the cluster");
            Thread.sleep(20);
        }
        String seed = files.read("seeded").orElseThrow();
        // A failed join may leave a half-made member behind: every attempt gets a fresh directory.
        for (int attempt = 1; ; attempt++) {
            Path dir = settings.dataDir().resolve("attempt-" + attempt);
            Files.createDirectories(dir);
            try {
                return Kayak.join(options.dataDir(dir).build(), List.of(seed));
            } catch (KayakException e) {
                checkDeadline(deadline, "could not join: " + e.getMessage());
                Thread.sleep(200);
            }
        }
    }

    private void awaitVoters(Host host, long deadline) throws InterruptedException {
        while (host.roster().stream().filter(Member::voter).count() < settings.members()) {
            checkDeadline(deadline, "not all members became voters: " + host.roster());
            Thread.sleep(20);
        }
    }

    /** Waits until every member wrote its ready file (with its pid, which the driver needs for CPU times). */
    private void awaitAllReady(long deadline) throws InterruptedException {
        for (int i = 0; i < settings.members(); i++) {
            while (!files.exists("ready-n" + i)) {
                checkDeadline(deadline, "member " + i + " never got ready");
                Thread.sleep(10);
            }
        }
    }

    /** W1: the first member that sees itself leading claims the driver; the others only replicate. */
    private void driveIfLeader(Host host, long deadline) throws Exception {
        awaitAllReady(deadline);
        while (true) {
            if (files.exists("driver.claim")) {
                return;
            }
            if (leads(host)) {
                if (!files.claim("driver.claim")) {
                    return;
                }
                break;
            }
            checkDeadline(deadline, "no leader elected");
            Thread.sleep(2);
        }
        Map<String, Object> result = new ClosedLoopDriver(host, settings).run(replicaPids());
        files.write("result.json", io.kayak.server.Json.write(result));
    }

    private List<Long> replicaPids() {
        List<Long> pids = new ArrayList<>();
        for (int i = 0; i < settings.members(); i++) {
            pids.add(Long.parseLong(files.read("ready-n" + i).orElseThrow()));
        }
        return pids;
    }

    private static void checkDeadline(long deadline, String what) {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException(what);
        }
    }
}
