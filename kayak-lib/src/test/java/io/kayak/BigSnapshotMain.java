package io.kayak;

import io.kayak.storage.DataDirectory;
import io.kayak.storage.SnapshotFile;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Run in a JVM whose heap is far smaller than the snapshot (see {@link BigSnapshotTest}): a leader compacts its log
 * into a snapshot of the given size, a new member joins over TCP and catches up by receiving it, and both files are
 * compared. Prints one result line and exits 0 on success.
 *
 * <p>Arguments: data directory, snapshot size in MiB.
 */
public final class BigSnapshotMain {
    private BigSnapshotMain() {
    }

    private static HostOptions options(TcpCluster cluster, String id) {
        return HostOptions.builder().id(id).listen(cluster.listen(id)).dataDir(cluster.dataDir(id))
                .segmentCapacity(64 << 10).electionTimeout(Duration.ofSeconds(1)).build();
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int mebibytes = Integer.parseInt(args[1]);
        try (TcpCluster cluster = new TcpCluster(dir)) {
            Host a = cluster.track(Kayak.start(options(cluster, "a")));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!TcpCluster.leads(a) && System.nanoTime() < deadline) {
                Thread.sleep(10); // a polling loop in a standalone program, not a test's synchronisation
            }
            PaddedSnapshotApp app = new PaddedSnapshotApp(a);
            long last = 0;
            // Enough entries to fill several small segments, so compaction drops some and b needs the snapshot.
            for (int i = 0; i < 400; i++) {
                last = a.log().append(new byte[512]).get(10, TimeUnit.SECONDS).index();
            }
            while (app.state().index() < last) {
                Thread.sleep(10);
            }
            long start = System.nanoTime();
            app.compact(mebibytes, 1 << 20);
            if (a.log().compacted() == 0) {
                throw new AssertionError("the log was not compacted");
            }
            long written = System.nanoTime() - start;

            start = System.nanoTime();
            Host b = cluster.track(Kayak.join(options(cluster, "b"), List.of(cluster.address("a"))));
            PaddedSnapshotApp appB = new PaddedSnapshotApp(b);
            long target = a.log().append(new byte[1]).get(10, TimeUnit.MINUTES).index();
            deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (!(appB.state().index() >= target && appB.state().equals(app.state()))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("b did not catch up: " + appB.state() + " vs " + app.state());
                }
                Thread.sleep(20);
            }
            long caughtUp = System.nanoTime() - start;
            app.close();
            appB.close();
            a.close();
            b.close();
            int leaderCrc;
            long size;
            try (DataDirectory d = DataDirectory.open(cluster.dataDir("a"));
                 SnapshotFile f = d.snapshots().openLatestFile().orElseThrow()) {
                leaderCrc = f.crc32c();
                size = f.size();
            }
            try (DataDirectory d = DataDirectory.open(cluster.dataDir("b"));
                 SnapshotFile f = d.snapshots().openLatestFile().orElseThrow()) {
                if (f.crc32c() != leaderCrc || f.size() != size) {
                    throw new AssertionError("b's snapshot differs from a's");
                }
            }
            Runtime rt = Runtime.getRuntime();
            System.out.printf("big snapshot: %d MiB written in %d ms, joined and installed in %d ms, max heap %d MiB%n",
                    size >> 20, TimeUnit.NANOSECONDS.toMillis(written), TimeUnit.NANOSECONDS.toMillis(caughtUp),
                    rt.maxMemory() >> 20);
        }
        System.exit(0);
    }
}
