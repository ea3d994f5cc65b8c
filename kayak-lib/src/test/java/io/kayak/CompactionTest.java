package io.kayak;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Consumer snapshots on one member with a data directory: {@link Log#compact}, {@link Log#snapshot()}, the
 * listener recipe after compaction, restarts, and the disk staying bounded under periodic compaction.
 */
class CompactionTest {
    private static final int SEGMENT = 64 << 10;

    private final LocalNetwork network = new LocalNetwork();
    private final List<Host> hosts = new ArrayList<>();
    @TempDir
    Path dir;

    @AfterEach
    void stopAll() {
        hosts.forEach(Host::close);
    }

    private Host start(String id) {
        String address = "local:" + id;
        Host h = network.start(HostOptions.builder().id(id).listen(address).dataDir(dir.resolve(id))
                .segmentCapacity(SEGMENT).build());
        hosts.add(h);
        await().atMost(Duration.ofSeconds(5)).until(() -> h.leader().isPresent());
        return h;
    }

    private static byte[] payload(long i) {
        byte[] b = new byte[1024];
        byte[] tag = ("v" + i).getBytes(StandardCharsets.UTF_8);
        System.arraycopy(tag, 0, b, 0, tag.length);
        return b;
    }

    private static long appendMany(Host h, int n) throws Exception {
        long last = 0;
        for (int i = 0; i < n; i++) {
            last = h.log().append(payload(i)).get(5, TimeUnit.SECONDS).index();
        }
        long appended = last;
        await().atMost(Duration.ofSeconds(5)).until(() -> h.log().committed() >= appended);
        return last;
    }

    /** The application's state in these tests: the count of normal entries, as one event per normal entry. */
    private static Iterator<byte[]> events(long count) {
        return Stream.iterate(0L, i -> i < count, i -> i + 1).map(i -> ("e" + i).getBytes(StandardCharsets.UTF_8))
                .iterator();
    }

    @Test
    void compactionNeedsACommittedAndAcknowledgedIndexAndTheAnnouncedEventCount() throws Exception {
        Host h = start("a");
        long last = appendMany(h, 10);
        assertThatThrownBy(() -> h.log().compact(last, events(1), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Sync.ack");
        h.sync().ack(last);
        assertThatThrownBy(() -> h.log().compact(last + 5, events(1), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("committed and applied");
        assertThatThrownBy(() -> h.log().compact(last, events(3), 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than the 2");
        assertThatThrownBy(() -> h.log().compact(last, events(1), 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 events, not the 2");
        assertThat(h.log().snapshot()).isEmpty();
        h.log().compact(last, events(2), 2);
        assertThatThrownBy(() -> h.log().compact(last - 1, events(0), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already covers");
    }

    @Test
    void aSnapshotRecordsItsIndexTermMembersAndEvents() throws Exception {
        Host h = start("a");
        long last = appendMany(h, 20);
        h.sync().ack(last);
        h.log().compact(last, events(5), 5);
        try (Snapshot s = h.log().snapshot().orElseThrow()) {
            assertThat(s.lastIndex()).isEqualTo(last);
            assertThat(s.lastTerm()).isGreaterThanOrEqualTo(1);
            assertThat(s.members()).containsExactly(new Member("a", "local:a", true));
            List<String> read = new ArrayList<>();
            for (byte[] e = s.next(); e != null; e = s.next()) {
                read.add(new String(e, StandardCharsets.UTF_8));
            }
            assertThat(read).containsExactly("e0", "e1", "e2", "e3", "e4");
        }
    }

    @Test
    void aListenerOfACompactedIndexRebuildsFromTheSnapshotThenListensAfterIt() throws Exception {
        Host h = start("a");
        long last = appendMany(h, 300); // about 300 KiB: several 64 KiB segments
        h.sync().ack(last);
        h.log().compact(last - 10, events(1), 1);
        assertThat(h.log().compacted()).isGreaterThan(0);
        long more = appendMany(h, 5);

        long rebuiltTo;
        try (Listener l = h.log().listen(1, 16)) {
            assertThatThrownBy(l::next).isInstanceOf(OutOfBoundsException.class);
        } catch (OutOfBoundsException expected) {
            // listen itself may refuse at once: same recipe
        }
        try (Snapshot s = h.log().snapshot().orElseThrow()) {
            assertThat(s.next()).isEqualTo("e0".getBytes(StandardCharsets.UTF_8));
            assertThat(s.next()).isNull();
            rebuiltTo = s.lastIndex();
        }
        try (Listener l = h.log().listen(rebuiltTo + 1, 16)) {
            long expected = rebuiltTo + 1;
            while (expected <= more) {
                Entry e = l.poll(Duration.ofSeconds(5));
                assertThat(e).isNotNull();
                assertThat(e.index()).isEqualTo(expected++);
            }
        }
    }

    @Test
    void aRestartedMemberKeepsItsSnapshotAndCompactedLog() throws Exception {
        Host h = start("a");
        long last = appendMany(h, 200);
        h.sync().ack(last);
        h.log().compact(last, events(3), 3);
        long compacted = h.log().compacted();
        h.close();
        hosts.clear();
        Host again = start("a");
        assertThat(again.log().compacted()).isEqualTo(compacted);
        try (Snapshot s = again.log().snapshot().orElseThrow()) {
            assertThat(s.lastIndex()).isEqualTo(last);
        }
        Entry next = again.log().append(payload(-1)).get(5, TimeUnit.SECONDS);
        assertThat(next.index()).isGreaterThan(last);
        assertThat(next.kind()).isEqualTo(EntryKind.NORMAL);
    }

    /** A long run compacting every 500 entries: the data directory stays bounded however long the log grows. */
    @Test
    void diskUseStaysBoundedUnderPeriodicCompaction() throws Exception {
        Host h = start("a");
        long peak = 0;
        long appended = 0;
        for (int round = 0; round < 8; round++) {
            long last = appendMany(h, 500);
            appended += 500;
            h.sync().ack(last);
            h.log().compact(last, events(100), 100);
            peak = Math.max(peak, size(dir.resolve("a")));
        }
        long logBytes = appended * 1024;
        System.out.printf("disk use under periodic compaction: %d entries (%d KiB of payload) appended, peak"
                + " data directory %d KiB%n", appended, logBytes >> 10, peak >> 10);
        // Two segments' worth for the active and preallocated files, one round of entries, and the snapshot.
        assertThat(peak).isLessThan(logBytes / 4);
    }

    private static long size(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0; // deleted while walking
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
