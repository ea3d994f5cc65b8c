package io.kayak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kayak.storage.PreallocationProbe;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start that fails returns its exception as it is, and leaves nothing running behind it: no thread of the host
 * (raft, writer, dispatch, deadlines, snapshots, Netty event loops), and no preparation of a log segment, which it
 * cancels rather than waits for.
 */
class StartFailureTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private static HostOptions options(TcpCluster cluster, String id, String listen) {
        return HostOptions.builder().id(id).listen(listen).dataDir(cluster.dataDir(id))
                .electionTimeout(Duration.ofSeconds(1)).build();
    }

    /** Whatever earlier tests left preparing segments has finished: the probe counts this JVM's preparations. */
    private static void noPreparationUnderWay() {
        await().atMost(WAIT).until(() -> PreallocationProbe.underWay() == 0);
    }

    @Test
    void aTakenPortFailsTheStartWhichCancelsItsSegmentPreparationAndLeavesNoThread() throws Exception {
        try (TcpCluster cluster = new TcpCluster(dir);
             ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String address = "127.0.0.1:" + taken.getLocalPort();
            noPreparationUnderWay();
            Set<Thread> before;
            try (AutoCloseable held = PreallocationProbe.holdThread()) {
                // The log's preparation of its next segment now waits, queued, for as long as the test likes.
                before = KayakThreads.live();
                assertThatThrownBy(() -> cluster.track(Kayak.start(options(cluster, "a", address))))
                        .isInstanceOf(KayakException.class).hasMessageContaining("cannot listen on " + address);
                // Returned without waiting for it, and cancelled it: still queued, it would count.
                assertThat(PreallocationProbe.underWay()).isZero();
            }
            await().atMost(WAIT).untilAsserted(() -> assertThat(KayakThreads.startedSince(before)).isEmpty());
            assertThat(cluster.dataDir("a").resolve("log").resolve("next.prealloc")).doesNotExist();
            // The data directory was released: a start on a free port takes it.
            Host a = cluster.track(Kayak.start(options(cluster, "a", cluster.listen("a"))));
            assertThat(a.log().append("x".getBytes(StandardCharsets.UTF_8)).get().index()).isPositive();
        }
    }

    @Test
    void aDataDirectoryOfAnotherClusterFailsTheStartAndLeavesNothingBehind() throws Exception {
        try (TcpCluster cluster = new TcpCluster(dir)) {
            cluster.start("a").close();
            HostOptions other = HostOptions.builder().id("a").listen(cluster.address("a"))
                    .dataDir(cluster.dataDir("a")).cluster("other").build();
            noPreparationUnderWay();
            Set<Thread> before;
            try (AutoCloseable held = PreallocationProbe.holdThread()) {
                before = KayakThreads.live();
                assertThatThrownBy(() -> cluster.track(Kayak.start(other))).isInstanceOf(KayakException.class)
                        .hasMessageContaining("not to a cluster named other");
                assertThat(PreallocationProbe.underWay()).isZero();
            }
            await().atMost(WAIT).untilAsserted(() -> assertThat(KayakThreads.startedSince(before)).isEmpty());
        }
    }

    @Test
    void aLockedDataDirectoryFailsTheStartWithStorageLockedExceptionAndItsMessage() throws Exception {
        try (TcpCluster cluster = new TcpCluster(dir)) {
            Host a = cluster.start("a");
            Set<Thread> before = KayakThreads.live();
            assertThatThrownBy(() -> cluster.track(Kayak.start(options(cluster, "a", "127.0.0.1:0"))))
                    .isInstanceOf(StorageLockedException.class)
                    .hasMessage(cluster.dataDir("a").resolve("lock")
                            + ": the data directory is locked: it is already open in this process");
            await().atMost(WAIT).untilAsserted(() -> assertThat(KayakThreads.startedSince(before)).isEmpty());
            assertThat(a.log().append("still fine".getBytes(StandardCharsets.UTF_8)).get().index()).isPositive();
        }
    }

    @Test
    void aStorageProblemFailsTheStartWithItsStorageExceptionAndMessage() throws Exception {
        try (TcpCluster cluster = new TcpCluster(dir)) {
            cluster.start("a").close();
            Path format = cluster.dataDir("a").resolve("format");
            Files.writeString(format, "kayak-storage 99"); // without the checksum it is stored with
            Set<Thread> before = KayakThreads.live();
            assertThatThrownBy(() -> cluster.track(Kayak.start(cluster.options("a"))))
                    .isInstanceOf(StorageException.class)
                    .hasMessageStartingWith(format + " at offset ")
                    .hasMessageEndingWith(": corrupted: checksum does not match the content");
            await().atMost(WAIT).untilAsserted(() -> assertThat(KayakThreads.startedSince(before)).isEmpty());
        }
    }
}
