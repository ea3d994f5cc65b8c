package io.kayak.storage;

import io.kayak.StorageFailedException;
import io.kayak.StorageCorruptedException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kayak.core.Configuration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Snapshots are streamed, become visible only complete and durable, and replace the previous one safely. */
class SnapshotStoreTest {
    private static final Path DATA = Path.of("/data");
    private static final Configuration CONFIG = Configuration.ofVoters(Map.of("a", "a:1", "b", "b:1"));

    private final FaultyFileSystem fs = new FaultyFileSystem();
    private final StorageOptions options = StorageOptions.defaults().withFileLayer(fs).withPreallocationExecutor(Runnable::run).withSegmentCapacity(4096);

    private static byte[] event(int i, int size) {
        byte[] e = new byte[size];
        Arrays.fill(e, (byte) i);
        return e;
    }

    private static List<byte[]> events(int count) {
        List<byte[]> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(event(i, i % 10 == 0 ? 70_000 : i % 50)); // some events larger than the I/O buffer
        }
        return list;
    }

    private static void write(SnapshotStore store, long lastIndex, List<byte[]> events) {
        try (SnapshotWriter writer = store.begin(lastIndex, 3, CONFIG)) {
            for (byte[] e : events) {
                writer.write(e);
            }
            writer.commit();
        }
    }

    private static List<byte[]> readAll(SnapshotStore store) {
        List<byte[]> out = new ArrayList<>();
        try (SnapshotReader reader = store.openLatest().orElseThrow()) {
            for (byte[] e = reader.next(); e != null; e = reader.next()) {
                out.add(e);
            }
            assertThat(reader.next()).isNull();
        }
        return out;
    }

    @Test
    void aSnapshotStreamsBackWithItsMetadata() {
        List<byte[]> events = events(300);
        try (DataDirectory directory = DataDirectory.open(DATA, options)) {
            assertThat(directory.snapshots().latest()).isEmpty();
            assertThat(directory.snapshots().openLatest()).isEmpty();
            write(directory.snapshots(), 42, events);
            assertThat(directory.snapshots().latest()).contains(new SnapshotMetadata(42, 3, CONFIG));
            assertThat(readAll(directory.snapshots())).containsExactlyElementsOf(events);
        }
        fs.crash();
        try (DataDirectory directory = DataDirectory.open(DATA, options)) {
            assertThat(directory.snapshots().latest()).contains(new SnapshotMetadata(42, 3, CONFIG));
            try (SnapshotReader reader = directory.snapshots().openLatest().orElseThrow()) {
                assertThat(reader.metadata().configuration()).isEqualTo(CONFIG);
            }
            assertThat(readAll(directory.snapshots())).containsExactlyElementsOf(events);
        }
    }

    @Test
    void anEmptySnapshotIsValid() {
        try (DataDirectory directory = DataDirectory.open(DATA, options)) {
            write(directory.snapshots(), 1, List.of());
            assertThat(readAll(directory.snapshots())).isEmpty();
        }
    }

    @Test
    void aNewSnapshotReplacesTheOldOneOnlyWhenCommitted() {
        try (DataDirectory directory = DataDirectory.open(DATA, options)) {
            SnapshotStore store = directory.snapshots();
            write(store, 10, events(3));
            SnapshotWriter writer = store.begin(20, 4, CONFIG);
            writer.write(event(1, 5));
            assertThat(store.latest().map(SnapshotMetadata::lastIndex)).contains(10L);
            writer.commit();
            assertThat(store.latest().map(SnapshotMetadata::lastIndex)).contains(20L);
            assertThat(fs.files()).filteredOn(p -> p.toString().contains("snapshots"))
                    .containsExactly(DATA.resolve("snapshots").resolve(SnapshotFormat.fileName(20)));
        }
    }

    @Test
    void anAbandonedSnapshotLeavesNothingBehind() {
        try (DataDirectory directory = DataDirectory.open(DATA, options)) {
            write(directory.snapshots(), 10, events(2));
            try (SnapshotWriter writer = directory.snapshots().begin(11, 4, CONFIG)) {
                writer.write(event(1, 5));
            }
            assertThat(directory.snapshots().latest().map(SnapshotMetadata::lastIndex)).contains(10L);
            assertThat(fs.files()).noneMatch(p -> p.toString().endsWith(SnapshotFormat.PARTIAL_SUFFIX));
        }
    }

    @Test
    void aSnapshotOlderThanTheLatestIsRefused() {
        try (DataDirectory directory = DataDirectory.open(DATA, options)) {
            write(directory.snapshots(), 10, events(1));
            assertThatThrownBy(() -> directory.snapshots().begin(9, 1, CONFIG))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aDamagedEventIsReportedNotReturned() {
        try (DataDirectory directory = DataDirectory.open(DATA, options)) {
            write(directory.snapshots(), 10, List.of(event(1, 10), event(2, 10)));
        }
        Path file = DATA.resolve("snapshots").resolve(SnapshotFormat.fileName(10));
        byte[] content = fs.content(file);
        int secondEventPayload = content.length - 16 - 10;
        fs.overwriteDurably(file, secondEventPayload, new byte[] {99});
        try (DataDirectory directory = DataDirectory.open(DATA, options);
             SnapshotReader reader = directory.snapshots().openLatest().orElseThrow()) {
            assertThat(reader.next()).isEqualTo(event(1, 10));
            assertThatThrownBy(reader::next).isInstanceOfSatisfying(StorageCorruptedException.class,
                    e -> assertThat(e.file()).isEqualTo(file)).hasMessageContaining("crc32c");
        }
    }

    @Test
    void aCrashAtAnyPointWhileWritingLeavesTheOldOrTheNewSnapshotWhole() {
        long total = mutationsOfOneSnapshotCycle();
        for (long death = 1; death <= total; death++) {
            for (boolean keepNames : new boolean[] {false, true}) {
                FaultyFileSystem disk = new FaultyFileSystem();
                StorageOptions opts = options.withFileLayer(disk).withPreallocationExecutor(Runnable::run);
                try (DataDirectory directory = DataDirectory.open(DATA, opts)) {
                    write(directory.snapshots(), 10, events(20));
                    disk.dieAfter(death);
                    try {
                        write(directory.snapshots(), 20, events(30));
                    } catch (StorageFailedException e) {
                        // the process died here
                    }
                }
                disk.crash(disk.pendingBytes() / 2, keepNames);
                try (DataDirectory directory = DataDirectory.open(DATA, opts)) {
                    Optional<SnapshotMetadata> latest = directory.snapshots().latest();
                    assertThat(latest).as("death at %d", death).isPresent();
                    List<byte[]> expected = latest.get().lastIndex() == 10 ? events(20) : events(30);
                    assertThat(readAll(directory.snapshots())).as("death at %d", death)
                            .containsExactlyElementsOf(expected);
                    assertThat(disk.files()).as("death at %d", death).filteredOn(p -> p.toString()
                            .contains("snapshots")).hasSize(1);
                }
            }
        }
    }

    private long mutationsOfOneSnapshotCycle() {
        FaultyFileSystem disk = new FaultyFileSystem();
        try (DataDirectory directory = DataDirectory.open(DATA, options.withFileLayer(disk).withPreallocationExecutor(Runnable::run))) {
            write(directory.snapshots(), 10, events(20));
            long before = disk.mutations();
            write(directory.snapshots(), 20, events(30));
            return disk.mutations() - before;
        }
    }
}
