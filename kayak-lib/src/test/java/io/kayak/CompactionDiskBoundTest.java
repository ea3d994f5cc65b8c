package io.kayak;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The long-run promise of automatic compaction: however many entries a member appends, its data directory stays
 * below a bound set by the thresholds and the segment size, not by the length of the log. One member with a real
 * data directory and small segments appends {@link #ENTRIES} small entries while a sampler measures the directory.
 */
class CompactionDiskBoundTest {
    private static final int ENTRIES = 600_000;
    private static final int PAYLOAD = 64;
    /** A log record: 25 bytes of header, then the payload. */
    private static final int RECORD = 25 + PAYLOAD;
    private static final int SEGMENT = 64 << 10;
    private static final long AFTER_ENTRIES = 15_000;
    private static final long TRAILING = 3_000;

    private final LocalNetwork network = new LocalNetwork();
    @TempDir
    Path dir;

    @Test
    void theDataDirectoryStaysBoundedHoweverLongTheLogGrows() throws Exception {
        Path data = dir.resolve("a");
        Host h = network.start(HostOptions.builder().id("a").listen("local:a").dataDir(data).segmentCapacity(SEGMENT)
                .compactAfterEntries(AFTER_ENTRIES).compactAfterBytes(Long.MAX_VALUE)
                .compactTrailingEntries(TRAILING).build());
        CountingApp app = new CountingApp(h);
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        AtomicLong appended = new AtomicLong();
        AtomicLong peakFirstHalf = new AtomicLong();
        AtomicLong peakSecondHalf = new AtomicLong();
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> h.leader().isPresent());
            h.log().snapshotProvider(app.provider());
            sampler.scheduleAtFixedRate(() -> {
                long size = size(data);
                (appended.get() < ENTRIES / 2 ? peakFirstHalf : peakSecondHalf).accumulateAndGet(size, Math::max);
            }, 0, 5, TimeUnit.MILLISECONDS);
            long started = System.nanoTime();
            long writtenBefore = bytesWrittenByThisProcess();
            ArrayDeque<CompletableFuture<Entry>> window = new ArrayDeque<>();
            long last = 0;
            for (int i = 0; i < ENTRIES; i++) {
                byte[] payload = new byte[PAYLOAD];
                payload[0] = (byte) i;
                payload[1] = (byte) (i >> 8);
                window.add(h.log().append(payload));
                if (window.size() == 2_000) {
                    last = window.poll().get(10, TimeUnit.SECONDS).index();
                    appended.set(i);
                }
            }
            while (!window.isEmpty()) {
                last = window.poll().get(10, TimeUnit.SECONDS).index();
            }
            appended.set(ENTRIES);
            long lastIndex = last;
            await().atMost(Duration.ofSeconds(10)).until(() -> app.applied() >= lastIndex);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            sampler.shutdown();
            assertThat(sampler.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
            long finalSize = size(data);
            long writtenToDisk = bytesWrittenByThisProcess() - writtenBefore;

            long written = (long) ENTRIES * RECORD;
            // The threshold and the trailing window, plus what arrives while a compaction runs (this writer keeps
            // 2,000 appends in flight and outruns a compaction's few fsyncs by thousands of entries; allowed up to
            // three times the threshold and window again), and four segments: the one compaction stops in, the
            // active one, the preallocated next one and the parked recycled one. The snapshot is two events.
            long bound = 4 * (AFTER_ENTRIES + TRAILING) * RECORD + 4L * SEGMENT;
            System.out.printf("disk bound under automatic compaction: %,d entries (%,d bytes of log records)"
                            + " appended in %,d ms, %,d bytes written by the process; peak data directory %,d bytes"
                            + " (first half %,d, second half %,d), final %,d; bound %,d; last snapshot at %d, log"
                            + " compacted to %d%n", ENTRIES, written, millis, writtenToDisk,
                    Math.max(peakFirstHalf.get(), peakSecondHalf.get()), peakFirstHalf.get(), peakSecondHalf.get(),
                    finalSize, bound, h.log().snapshotIndex(), h.log().compacted());
            assertThat(app.count()).isEqualTo(ENTRIES);
            assertThat(h.log().snapshotIndex()).isGreaterThan(lastIndex - 2 * AFTER_ENTRIES);
            assertThat(peakFirstHalf.get()).isPositive().isLessThan(bound);
            assertThat(peakSecondHalf.get()).isPositive().isLessThan(bound);
            // The bound is independent of ENTRIES, and far below what the log would take uncompacted.
            assertThat(bound).isLessThan(written / 8);
        } finally {
            sampler.shutdownNow();
            app.close();
            h.close();
        }
    }

    /** Bytes this process handed to write calls ({@code wchar} of {@code /proc/self/io}), or -1 off Linux. */
    private static long bytesWrittenByThisProcess() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
                if (line.startsWith("wchar:")) {
                    return Long.parseLong(line.substring(6).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the measurement is only printed
        }
        return -1;
    }

    private static long size(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.mapToLong(p -> {
                try {
                    return Files.isRegularFile(p) ? Files.size(p) : 0;
                } catch (NoSuchFileException deletedWhileWalking) {
                    return 0;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        } catch (UncheckedIOException | IOException e) {
            return 0; // a file vanished under the walk: this sample is skipped (a peak is a maximum)
        }
    }
}
