package io.kayak.storage;

import io.kayak.StorageFailedException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kayak.core.Entry;
import io.kayak.core.HardState;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A bad disk (an I/O error from write, force, rename or directory sync) stops the store for good: the failing call
 * and every later one throw {@link StorageFailedException}, nothing more is acknowledged, and the listener is told
 * once.
 */
class FailStopTest {
    private static final Path DATA = Path.of("/data");
    private final FaultyFileSystem fs = new FaultyFileSystem();
    private final AtomicInteger failures = new AtomicInteger();
    private final DataDirectory directory = DataDirectory.open(DATA, StorageOptions.defaults().withFileLayer(fs).withPreallocationExecutor(Runnable::run)
            .withSegmentCapacity(256).withFailureListener(f -> failures.incrementAndGet()));
    private final WriteAheadLog log = directory.log();

    private static Entry entry(long index) {
        return Entry.normal(index, 1, new byte[] {(byte) index});
    }

    private void assertStoppedForGood() {
        assertThat(log.failed()).isTrue();
        assertThat(log.failure()).isNotNull();
        assertThatThrownBy(() -> log.append(List.of(entry(log.lastIndex() + 1))))
                .isInstanceOf(StorageFailedException.class);
        assertThatThrownBy(log::sync).isInstanceOf(StorageFailedException.class);
        assertThatThrownBy(() -> log.saveHardState(new HardState(5, null, 0)))
                .isInstanceOf(StorageFailedException.class);
        assertThatThrownBy(() -> log.entries(1, 1, 1)).isInstanceOf(StorageFailedException.class);
        assertThatThrownBy(() -> log.term(0)).isInstanceOf(StorageFailedException.class);
        assertThatThrownBy(() -> log.compact(1)).isInstanceOf(StorageFailedException.class);
        assertThatThrownBy(() -> directory.snapshots().openLatest()).isInstanceOf(StorageFailedException.class);
        assertThat(failures).hasValue(1);
    }

    @Test
    void aFailedForceIsReportedAndStopsTheStore() {
        log.append(List.of(entry(1)));
        fs.fail(FaultyFileSystem.Op.FORCE, p -> true);
        assertThatThrownBy(log::sync).isInstanceOf(StorageFailedException.class)
                .hasMessageContaining("force").hasRootCauseMessage("injected FORCE failure on /data/log/"
                        + Segment.fileName(1));
        fs.heal();
        // Even with the disk healthy again, a retried fsync could report pages the kernel dropped as durable.
        assertStoppedForGood();
    }

    @Test
    void aFailedWriteStopsTheStore() {
        fs.fail(FaultyFileSystem.Op.WRITE, p -> true);
        assertThatThrownBy(() -> log.append(List.of(entry(1)))).isInstanceOf(StorageFailedException.class);
        fs.heal();
        assertStoppedForGood();
    }

    @Test
    void aFailedHardStateRenameStopsTheStore() {
        log.saveHardState(new HardState(3, "a", 0));
        fs.fail(FaultyFileSystem.Op.RENAME, p -> p.getFileName().toString().equals("meta"));
        assertThatThrownBy(log::sync).isInstanceOf(StorageFailedException.class);
        fs.heal();
        assertStoppedForGood();
    }

    @Test
    void aFailedDirectorySyncWhenRollingSegmentsStopsTheStore() {
        for (long i = 1; i <= 30; i++) {
            log.append(List.of(entry(i)));
        }
        assertThat(log.segmentFiles()).hasSizeGreaterThan(1);
        fs.fail(FaultyFileSystem.Op.SYNC_DIRECTORY, p -> true);
        assertThatThrownBy(log::sync).isInstanceOf(StorageFailedException.class);
        fs.heal();
        assertStoppedForGood();
    }

    @Test
    void aFailedPreallocationStopsTheStoreAtTheRollThatNeedsIt() {
        fs.fail(FaultyFileSystem.Op.WRITE, p -> p.toString().endsWith(SegmentPreallocator.SUFFIX));
        long index = 1;
        while (log.segmentFiles().size() < 2) {
            log.append(List.of(entry(index++))); // the first roll uses the file prepared at open
        }
        long next = index;
        assertThatThrownBy(() -> {
            for (long i = next; i < next + 100; i++) {
                log.append(List.of(entry(i)));
            }
        }).isInstanceOf(StorageFailedException.class).hasRootCauseMessage("injected WRITE failure on /data/log/next"
                + SegmentPreallocator.SUFFIX);
        fs.heal();
        assertStoppedForGood();
    }

    @Test
    void aFailureWhileTruncatingStopsTheStore() {
        log.append(List.of(entry(1), entry(2), entry(3)));
        fs.fail(FaultyFileSystem.Op.FORCE, p -> true);
        assertThatThrownBy(() -> log.append(List.of(Entry.normal(2, 2, new byte[0]))))
                .isInstanceOf(StorageFailedException.class);
        fs.heal();
        assertStoppedForGood();
    }

    @Test
    void aFailedSnapshotWriteStopsTheStore() {
        fs.fail(FaultyFileSystem.Op.FORCE, p -> p.toString().contains("snapshots"));
        try (SnapshotWriter writer = directory.snapshots().begin(1, 1,
                io.kayak.core.Configuration.ofVoters(java.util.Map.of("a", "a:1")))) {
            writer.write(new byte[] {1});
            assertThatThrownBy(writer::commit).isInstanceOf(StorageFailedException.class);
        } catch (StorageFailedException e) {
            // closing the failed writer also reports the failure
        }
        fs.heal();
        assertStoppedForGood();
    }

    @Test
    void whatWasSyncedBeforeTheFailureIsStillThereAfterRestart() {
        log.append(List.of(entry(1), entry(2)));
        log.sync();
        log.append(List.of(entry(3)));
        fs.fail(FaultyFileSystem.Op.FORCE, p -> true);
        assertThatThrownBy(log::sync).isInstanceOf(StorageFailedException.class);
        directory.close();
        fs.heal();
        fs.crash();
        try (DataDirectory reopened = DataDirectory.open(DATA, StorageOptions.defaults().withFileLayer(fs).withPreallocationExecutor(Runnable::run)
                .withSegmentCapacity(256))) {
            assertThat(reopened.log().lastIndex()).isBetween(2L, 3L);
            assertThat(reopened.log().failed()).isFalse();
        }
    }
}
