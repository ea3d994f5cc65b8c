package io.kayak.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * {@code kayak demo}: a three-member cluster of real processes, a leader killed with SIGKILL, a failover, growth to
 * four members and the removal of the dead one, with every acknowledged write checked along the way. Exit code 0
 * only if every check passed. Processes and files are cleaned up at the end, on failure and on Ctrl-C.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Runs a local 3-member cluster, kills its leader, grows it, and checks every write survived.")
public final class DemoCommand implements Callable<Integer> {
    private static final long STEP_TIMEOUT_MILLIS = 30_000;

    @Option(names = "--keys", description = "keys written before and after the failover (default: ${DEFAULT-VALUE})")
    int keys = 200;

    private final PrintStream out = System.out;
    private final List<Check> checks = new ArrayList<>();
    /** Writes the cluster acknowledged (HTTP 200): each must stay readable everywhere. */
    private final Map<String, String> acknowledged = new LinkedHashMap<>();
    private int unknownOutcomes;
    /** Members known to be down, whose rows in the status table stay empty. */
    private int deadMembers;

    private record Check(String name, boolean passed, String detail) {
    }

    @Override
    public Integer call() throws Exception {
        out.println("Kayak demo: a replicated key-value store on 3 local processes\n");
        try (LocalCluster cluster = new LocalCluster(System.getProperty("java.class.path"))) {
            try {
                run(cluster);
            } catch (CliException | IllegalStateException e) {
                check("the demo ran to the end", false, e.getMessage());
                for (ServerProcess p : cluster.members()) {
                    out.println("\n--- last lines of " + p.id() + " (" + p.logFile() + ")\n" + p.tail(15));
                }
            }
        }
        return summary();
    }

    private void run(LocalCluster cluster) throws Exception {
        step("Starting members a, b, c");
        ServerProcess a = cluster.start("a", List.of());
        cluster.start("b", List.of(a.peer()));
        cluster.start("c", List.of(a.peer()));
        boolean formed = waitUntil(() -> voters(cluster.member("a")) == 3);
        check("3 members formed a cluster", formed, "");
        printStatus(a);

        step("Writing " + keys + " keys through all members");
        write(cluster, "before", keys);

        Map<String, Object> before = new ClusterClient(a.http()).status();
        String oldLeader = String.valueOf(before.get("leader"));
        long oldTerm = ((Number) before.get("term")).longValue();
        step("Killing the leader, " + oldLeader + ", with SIGKILL");
        long killedAt = System.nanoTime();
        cluster.member(oldLeader).kill();
        deadMembers = 1;
        String[] newLeader = new String[1];
        boolean elected = waitUntil(() -> {
            for (ServerProcess p : cluster.running()) {
                Map<String, Object> s = statusOrNull(p);
                if (s != null && "leader".equals(s.get("role")) && ((Number) s.get("term")).longValue() > oldTerm) {
                    newLeader[0] = p.id();
                    return true;
                }
            }
            return false;
        });
        long electionMillis = (System.nanoTime() - killedAt) / 1_000_000;
        check("a new leader was elected", elected, elected ? newLeader[0] + " after " + electionMillis + " ms" : "");
        if (elected) {
            out.println("  new leader: " + newLeader[0] + ", elected " + electionMillis + " ms after the kill");
        }

        step("Writing " + keys + " more keys to the two survivors");
        write(cluster, "after", keys);
        verify(cluster, "every acknowledged write is readable on the survivors");

        step("Growing to 4 members: d joins");
        List<HostPort> survivors = cluster.running().stream().map(ServerProcess::peer).toList();
        ServerProcess d = cluster.start("d", survivors);
        boolean grew = waitUntil(() -> members(d) == 4 && voters(d) == 4);
        check("the cluster grew to 4 members", grew, "");
        printStatus(d);

        step("Removing the dead member " + oldLeader);
        ClusterClient.Reply removed = new ClusterClient(d.http()).remove(oldLeader);
        boolean shrank = removed.status() == 200 && waitUntil(() -> members(d) == 3);
        deadMembers = 0;
        check("the dead member was removed", shrank, removed.status() == 200 ? "" : removed.error());
        verify(cluster, "every acknowledged write is readable on all 3 members, the newcomer too");
        printStatus(d);
    }

    private void write(LocalCluster cluster, String prefix, int count) throws InterruptedException {
        ProgressBar bar = new ProgressBar(out, "writes", count);
        int failed = 0;
        for (int i = 0; i < count; i++) {
            List<ServerProcess> running = cluster.running();
            ServerProcess target = running.get(i % running.size());
            String key = prefix + "-" + i;
            String value = "value-" + i + "-" + prefix;
            ClusterClient.Reply reply = putWithRetry(new ClusterClient(target.http()), key, value);
            if (reply.status() == 200) {
                acknowledged.put(key, value);
            } else if (reply.status() == 504) {
                unknownOutcomes++;
            } else {
                failed++;
            }
            bar.update(i + 1, failed == 0 ? "" : failed + " refused");
        }
        bar.finish();
        check(count + " writes (" + prefix + ") acknowledged", failed == 0 && acknowledged.keySet().stream()
                .filter(k -> k.startsWith(prefix + "-")).count() + unknownOutcomes >= count,
                failed == 0 ? "" : failed + " refused");
    }

    /** Retries only answers that say nothing was written (503), a bounded number of times. */
    private static ClusterClient.Reply putWithRetry(ClusterClient client, String key, String value)
            throws InterruptedException {
        ClusterClient.Reply reply = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                reply = client.put(key, value.getBytes(StandardCharsets.UTF_8));
            } catch (CliException unreachable) {
                reply = new ClusterClient.Reply(503, new byte[0]);
            }
            if (reply.status() != 503) {
                return reply;
            }
            Thread.sleep(100);
        }
        return reply;
    }

    private void verify(LocalCluster cluster, String name) {
        int missing = 0;
        String firstMissing = "";
        for (ServerProcess p : cluster.running()) {
            ClusterClient client = new ClusterClient(p.http());
            for (Map.Entry<String, String> e : acknowledged.entrySet()) {
                ClusterClient.Reply r = client.get(e.getKey(), false);
                if (r.status() != 200 || !Objects.equals(r.text(), e.getValue())) {
                    if (missing++ == 0) {
                        firstMissing = e.getKey() + " on " + p.id() + " (HTTP " + r.status() + ")";
                    }
                }
            }
        }
        check(name, missing == 0, missing == 0 ? acknowledged.size() + " keys on " + cluster.running().size()
                + " members" : missing + " missing, first " + firstMissing);
    }

    /** Prints the members table once every live member has answered {@code from}'s poller (or after 5 s). */
    @SuppressWarnings("unchecked")
    private void printStatus(ServerProcess from) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        Map<String, Object> status = statusOrNull(from);
        while (System.nanoTime() < deadline && status != null && ((List<Object>) status.get("members")).stream()
                .filter(m -> ((Map<String, Object>) m).get("role") == null).count() > deadMembers) {
            Thread.sleep(100);
            status = statusOrNull(from);
        }
        if (status != null) {
            out.print(StatusTable.render(status));
        }
    }

    private static Map<String, Object> statusOrNull(ServerProcess p) {
        try {
            return new ClusterClient(p.http()).status();
        } catch (CliException unreachable) {
            return null;
        }
    }

    @SuppressWarnings("unchecked")
    private static long members(ServerProcess p) {
        Map<String, Object> s = statusOrNull(p);
        return s == null ? -1 : ((List<Object>) s.get("members")).size();
    }

    @SuppressWarnings("unchecked")
    private static long voters(ServerProcess p) {
        Map<String, Object> s = statusOrNull(p);
        return s == null ? -1 : ((List<Object>) s.get("members")).stream()
                .filter(m -> Boolean.TRUE.equals(((Map<String, Object>) m).get("voter"))).count();
    }

    /** Polls {@code condition} every 50 ms for at most {@link #STEP_TIMEOUT_MILLIS}. */
    private static boolean waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + STEP_TIMEOUT_MILLIS * 1_000_000;
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    private void step(String what) {
        out.println("\n> " + what);
    }

    private void check(String name, boolean passed, String detail) {
        checks.add(new Check(name, passed, detail));
        out.println("  " + (passed ? "ok    " : "FAILED") + "  " + name + (detail.isEmpty() ? "" : ": " + detail));
    }

    private int summary() {
        out.println("\nSummary");
        long failed = checks.stream().filter(c -> !c.passed()).count();
        for (Check c : checks) {
            out.println("  " + (c.passed() ? "[pass]" : "[FAIL]") + " " + c.name()
                    + (c.detail().isEmpty() ? "" : " — " + c.detail()));
        }
        out.println("  writes acknowledged: " + acknowledged.size() + ", outcome unknown: " + unknownOutcomes);
        out.println(failed == 0 ? "\nAll " + checks.size() + " checks passed." : "\n" + failed + " of "
                + checks.size() + " checks FAILED.");
        return failed == 0 ? 0 : 1;
    }
}
