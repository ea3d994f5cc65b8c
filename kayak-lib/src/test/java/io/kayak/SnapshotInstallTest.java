package io.kayak;

import io.kayak.runtime.SnapshotTesting;
import io.kayak.storage.DataDirectory;
import io.kayak.storage.SnapshotWriter;
import io.kayak.transport.SnapshotFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Members that are behind the leader's first log index catch up by a snapshot streamed from the leader: a newcomer
 * joining a compacted cluster, a follower cut off across a compaction, a transfer that loses chunks, a member that
 * stops in the middle of an install, and one that stopped between installing the snapshot file and replacing its log.
 */
class SnapshotInstallTest {
    private static final int SEGMENT = 64 << 10;
    /** Snapshots of about 3 MiB: a dozen chunks, so losses and resumption happen mid-file. */
    private static final int PADDING = 48;
    private static final int PAD_BYTES = 64 << 10;

    private final LocalNetwork network = new LocalNetwork();
    private final List<Host> hosts = new ArrayList<>();
    private final List<PaddedSnapshotApp> apps = new ArrayList<>();
    @TempDir
    Path dir;

    @AfterEach
    void stopAll() {
        network.dropSnapshotFrames(null);
        apps.forEach(PaddedSnapshotApp::close);
        hosts.forEach(Host::close);
        for (PaddedSnapshotApp app : apps) {
            assertThat(app.failure()).isNull();
        }
    }

    private HostOptions options(String id) {
        String address = "local:" + id;
        return HostOptions.builder().id(id).listen(address).dataDir(dir.resolve(id)).segmentCapacity(SEGMENT)
                .electionTimeout(Duration.ofSeconds(1)).build();
    }

    private Host start(String id) {
        Host h = network.start(options(id));
        hosts.add(h);
        return h;
    }

    private Host join(String id, String via) {
        Host h = network.join(options(id), List.of("local:" + via));
        hosts.add(h);
        return h;
    }

    private PaddedSnapshotApp app(Host h) {
        PaddedSnapshotApp app = new PaddedSnapshotApp(h);
        apps.add(app);
        return app;
    }

    private static long appendMany(Host h, int n, String tag) throws Exception {
        long last = 0;
        for (int i = 0; i < n; i++) {
            // Half a KiB each, so that a few hundred entries fill several segments and compaction drops some.
            byte[] payload = java.util.Arrays.copyOf((tag + i).getBytes(StandardCharsets.UTF_8), 512);
            last = h.log().append(payload).get(10, TimeUnit.SECONDS).index();
        }
        return last;
    }

    private static void awaitSameState(PaddedSnapshotApp leader, PaddedSnapshotApp follower, long atLeast) {
        await().atMost(Duration.ofSeconds(30)).until(() -> leader.state().index() >= atLeast
                && follower.state().equals(leader.state()));
    }

    /** A two-voter cluster whose leader "a" compacted its log well past what a newcomer could replay. */
    private PaddedSnapshotApp compactedLeader() throws Exception {
        Host a = start("a");
        await().atMost(Duration.ofSeconds(10)).until(() -> TcpCluster.leads(a));
        PaddedSnapshotApp appA = app(a);
        long last = appendMany(a, 400, "x");
        await().atMost(Duration.ofSeconds(10)).until(() -> appA.state().index() >= last);
        appA.compact(PADDING, PAD_BYTES);
        assertThat(a.log().compacted()).isGreaterThan(1);
        return appA;
    }

    @Test
    void aMemberJoiningACompactedClusterCatchesUpBySnapshot() throws Exception {
        PaddedSnapshotApp appA = compactedLeader();
        Host a = hosts.get(0);
        Host b = join("b", "a");
        PaddedSnapshotApp appB = app(b);
        long more = appendMany(a, 50, "y");
        awaitSameState(appA, appB, more);
        assertThat(appB.rebuilds()).isGreaterThanOrEqualTo(1);
        try (Snapshot s = b.log().snapshot().orElseThrow()) {
            assertThat(s.lastIndex()).isGreaterThanOrEqualTo(a.log().compacted());
            assertThat(s.members()).extracting(Member::id).contains("a");
        }
        assertThat(b.log().compacted()).isGreaterThan(0);
        // The newcomer goes on replicating from the log after the snapshot.
        long after = appendMany(b, 20, "z");
        awaitSameState(appA, appB, after);
    }

    @Test
    void aFollowerCutOffAcrossACompactionCatchesUpBySnapshot() throws Exception {
        Host a = start("a");
        await().atMost(Duration.ofSeconds(10)).until(() -> TcpCluster.leads(a));
        PaddedSnapshotApp appA = app(a);
        Host b = join("b", "a");
        Host c = join("c", "a");
        PaddedSnapshotApp appB = app(b);
        PaddedSnapshotApp appC = app(c);
        long first = appendMany(a, 20, "x");
        awaitSameState(appA, appC, first);
        int rebuildsBefore = appC.rebuilds();

        network.isolate("local:c");
        long last = appendMany(a, 400, "y");
        await().atMost(Duration.ofSeconds(10)).until(() -> appA.state().index() >= last);
        appA.compact(PADDING, PAD_BYTES);
        await().atMost(Duration.ofSeconds(10)).until(() -> appB.state().index() >= last);
        appB.compact(PADDING, PAD_BYTES);
        network.heal("local:c");

        long more = appendMany(a, 30, "z");
        awaitSameState(appA, appC, more);
        awaitSameState(appA, appB, more);
        assertThat(appC.rebuilds()).isGreaterThan(rebuildsBefore);
        assertThat(c.log().compacted()).isGreaterThanOrEqualTo(last - 1);
    }

    @Test
    void aTransferThatLosesChunksResumesFromTheAcknowledgedOffset() throws Exception {
        PaddedSnapshotApp appA = compactedLeader();
        Host a = hosts.get(0);
        long snapshotBytes = snapshotFileSize("a");
        // Lose the chunk at the middle of the file once, then a whole stretch of traffic (as a dropped connection
        // would), and acks too.
        long middle = snapshotBytes / 2 / SnapshotTesting.chunkBytes() * SnapshotTesting.chunkBytes();
        AtomicBoolean lostMiddle = new AtomicBoolean();
        int[] acks = {0};
        network.dropSnapshotFrames(f -> {
            if (f instanceof SnapshotFrame.Chunk c && c.offset() == middle) {
                return lostMiddle.compareAndSet(false, true);
            }
            return f instanceof SnapshotFrame.Ack && ++acks[0] % 5 == 0;
        });
        Host b = join("b", "a");
        PaddedSnapshotApp appB = app(b);
        long more = appendMany(a, 10, "y");
        awaitSameState(appA, appB, more);
        assertThat(lostMiddle).isTrue();
        // Resuming never starts again from zero: well under two whole files crossed the network.
        assertThat(network.snapshotBytesSent()).isLessThan(snapshotBytes * 3 / 2);
    }

    @Test
    void aMemberStoppedDuringAnInstallRecoversCleanlyAndCatchesUp() throws Exception {
        Host a = start("a");
        await().atMost(Duration.ofSeconds(10)).until(() -> TcpCluster.leads(a));
        PaddedSnapshotApp appA = app(a);
        join("b", "a");
        Host c = join("c", "a");
        network.isolate("local:c");
        long last = appendMany(a, 400, "x");
        await().atMost(Duration.ofSeconds(10)).until(() -> appA.state().index() >= last);
        appA.compact(PADDING, PAD_BYTES);
        long snapshotBytes = snapshotFileSize("a");
        long logBefore = c.log().head();
        // Nothing past the first half arrives: the transfer stalls with a partial file on c, which then stops.
        network.dropSnapshotFrames(f -> f instanceof SnapshotFrame.Chunk chunk && chunk.offset() >= snapshotBytes / 2);
        network.heal("local:c");
        await().atMost(Duration.ofSeconds(20)).until(() -> partialFiles("c") > 0);
        assertThat(c.log().snapshot()).isEmpty();
        c.close();
        hosts.remove(c);

        // c comes back: the partial file is gone, its log is as it was, and a new transfer installs the snapshot.
        network.dropSnapshotFrames(null);
        Host again = network.start(options("c"));
        hosts.add(again);
        assertThat(partialFiles("c")).isZero();
        PaddedSnapshotApp appC = app(again);
        long more = appendMany(a, 10, "y");
        awaitSameState(appA, appC, more);
        assertThat(again.log().snapshot()).isPresent();
        assertThat(again.log().compacted()).isGreaterThan(logBefore);
    }

    @Test
    void aSnapshotInstalledWithoutItsLogReplacementIsCompletedAtStart() throws Exception {
        Host a = start("a");
        await().atMost(Duration.ofSeconds(10)).until(() -> TcpCluster.leads(a));
        long last = appendMany(a, 30, "x");
        a.close();
        hosts.clear();
        // As if a snapshot received from a leader was installed, and the member stopped before replacing its log:
        // the snapshot is far ahead of the log.
        long index = last + 500;
        try (DataDirectory d = DataDirectory.open(dir.resolve("a"))) {
            long term = d.log().term(last);
            io.kayak.core.Configuration config = d.log().configurationBefore(last + 1).configuration();
            try (SnapshotWriter w = d.snapshots().begin(index, term, config)) {
                w.write(io.kayak.runtime.LibrarySection.encode(new io.kayak.core.session.SessionTable()));
                w.write("state".getBytes(StandardCharsets.UTF_8));
                w.commit();
            }
        }
        Host again = start("a");
        assertThat(again.log().compacted()).isEqualTo(index);
        await().atMost(Duration.ofSeconds(10)).until(() -> TcpCluster.leads(again));
        long next = appendMany(again, 1, "y");
        assertThat(next).isGreaterThan(index);
    }

    private long snapshotFileSize(String id) throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve(id).resolve("snapshots"))) {
            Path snap = files.filter(p -> p.toString().endsWith(".snap")).findFirst().orElseThrow();
            return Files.size(snap);
        }
    }

    private long partialFiles(String id) throws Exception {
        Path snapshots = dir.resolve(id).resolve("snapshots");
        if (!Files.isDirectory(snapshots)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(snapshots)) {
            return files.filter(p -> p.toString().endsWith(".partial")).count();
        }
    }
}
