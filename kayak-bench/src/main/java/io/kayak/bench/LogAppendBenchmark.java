package io.kayak.bench;

import io.kayak.core.Entry;
import io.kayak.storage.DataDirectory;
import io.kayak.storage.StorageOptions;
import io.kayak.storage.WriteAheadLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Durable append throughput of the write-ahead log next to the floor set by the disk: the same bytes written with
 * one raw {@link FileChannel#write} per batch and one {@code force(false)}. Each invocation appends one batch and
 * syncs once (group commit as the log writer does it). The {@code appends} and {@code bytes} counters give
 * appends/s and bytes/s; the primary score is batches/s.
 *
 * <p>Files go to {@code -Dkayak.bench.dir} (default {@code target/bench-data}); point it at the disk to measure,
 * not at a tmpfs, where fsync is free.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LogAppendBenchmark {
    /** Payload bytes per entry; the log adds a 25-byte record header, and the raw baseline writes the same total. */
    @Param({"128", "4096"})
    public int payloadBytes;

    /** Entries per sync. */
    @Param({"1", "16", "256"})
    public int batchSize;

    /**
     * {@code wal}: the write-ahead log; {@code raw}: FileChannel write + force(false) of the same bytes appended to a
     * growing file; {@code raw-prealloc}: the same into a file preallocated with zeros (what the log's segments
     * are), wrapping around at 64 MiB.
     */
    @Param({"wal", "raw", "raw-prealloc"})
    public String target;

    /** Appends and bytes made durable, reported by JMH as rates. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Durable {
        public long appends;
        public long bytes;

        @Setup(Level.Iteration)
        public void reset() {
            appends = 0;
            bytes = 0;
        }
    }

    private static final long RAW_FILE_LIMIT = 256L << 20;
    private static final long PREALLOCATED = 64L << 20;
    private static final int RECORD_HEADER = 25;

    private Path dir;
    private DataDirectory directory;
    private WriteAheadLog log;
    private FileChannel raw;
    private ByteBuffer rawBatch;
    private long rawPosition;
    private long rawLimit = RAW_FILE_LIMIT;
    private byte[] payload;
    private long nextIndex = 1;

    @Setup(Level.Trial)
    public void open() throws IOException {
        Path root = Path.of(System.getProperty("kayak.bench.dir", "target/bench-data"));
        Files.createDirectories(root);
        dir = Files.createTempDirectory(root, "append-");
        payload = new byte[payloadBytes];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31);
        }
        if (target.equals("wal")) {
            directory = DataDirectory.open(dir, StorageOptions.defaults());
            log = directory.log();
        } else {
            raw = FileChannel.open(dir.resolve("raw.log"), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.READ);
            rawBatch = ByteBuffer.allocateDirect(batchSize * (RECORD_HEADER + payloadBytes));
            while (rawBatch.hasRemaining()) {
                rawBatch.put((byte) rawBatch.position());
            }
            if (target.equals("raw-prealloc")) {
                rawLimit = PREALLOCATED;
                ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
                for (long at = 0; at < PREALLOCATED; at += zeros.capacity()) {
                    zeros.clear();
                    raw.write(zeros, at);
                }
                raw.force(true);
            }
        }
    }

    @Benchmark
    public void appendBatchAndSync(Durable durable) throws IOException {
        if (log != null) {
            List<Entry> batch = new ArrayList<>(batchSize);
            for (int i = 0; i < batchSize; i++) {
                batch.add(Entry.normal(nextIndex++, 1, payload));
            }
            log.append(batch);
            log.sync();
            if (log.segmentFiles().size() > 3) {
                log.compact(log.lastIndex() - 1); // keep the disk footprint bounded; deletes whole segments
            }
        } else {
            rawBatch.clear();
            while (rawBatch.hasRemaining()) {
                rawPosition += raw.write(rawBatch, rawPosition);
            }
            raw.force(false);
            if (rawPosition + rawBatch.capacity() > rawLimit) {
                if (rawLimit == RAW_FILE_LIMIT) {
                    raw.truncate(0);
                }
                rawPosition = 0;
            }
        }
        durable.appends += batchSize;
        durable.bytes += (long) batchSize * (RECORD_HEADER + payloadBytes);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        if (directory != null) {
            directory.close();
        }
        if (raw != null) {
            raw.close();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
