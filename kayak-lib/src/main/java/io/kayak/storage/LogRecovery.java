package io.kayak.storage;

import io.kayak.StorageCorruptedException;
import io.kayak.StorageException;
import io.kayak.core.EntryKind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Opens the segments of a log directory and rebuilds the in-memory index, applying the recovery rules of
 * {@link SegmentScanner} plus those between segments: segments must continue each other without a gap, the first
 * must start right after the compaction base, a compaction interrupted by a crash is finished, and a last segment
 * whose header never became durable is removed (it cannot hold acknowledged records).
 */
final class LogRecovery {
    /** What recovery found: the open segments (the last is the active one) and the rebuilt indexes. */
    record Result(List<Segment> segments, TermRuns terms, LongList configIndexes, LogBase base) {
    }

    private final FileLayer fs;
    private final Path logDir;
    private final int segmentCapacity;
    private final long committed;
    private final Path metaFile;

    /**
     * @param committed the commit index of the saved hard state: the log must still reach it, since the hard state
     *                  is only written after the log it refers to is forced
     */
    LogRecovery(FileLayer fs, Path logDir, int segmentCapacity, long committed, Path metaFile) {
        this.fs = fs;
        this.logDir = logDir;
        this.segmentCapacity = segmentCapacity;
        this.committed = committed;
        this.metaFile = metaFile;
    }

    Result recover() throws IOException {
        LogBase base = LogBase.read(fs, logDir.resolve(LogBase.FILE_NAME));
        TreeMap<Long, Path> files = new TreeMap<>();
        for (String name : fs.list(logDir)) {
            if (name.endsWith(AtomicFile.TEMP_SUFFIX) || name.endsWith(SegmentPreallocator.SUFFIX)) {
                fs.delete(logDir.resolve(name)); // an atomic replacement or a preallocation that was never used
            } else if (name.endsWith(Segment.SUFFIX)) {
                files.put(parseFirstIndex(name), logDir.resolve(name));
            }
        }
        // Finish a compaction that wrote its base but crashed before deleting every covered segment.
        while (files.size() > 1 && files.higherKey(files.firstKey()) <= base.index() + 1) {
            fs.delete(files.pollFirstEntry().getValue());
        }
        // A snapshot install writes its base before it replaces the segments: segments that all end before the
        // base are its leftovers (a live log always has a segment starting at or right after its base).
        if (!files.isEmpty() && files.lastKey() <= base.index()) {
            while (!files.isEmpty()) {
                fs.delete(files.pollFirstEntry().getValue());
            }
        }
        TermRuns terms = new TermRuns();
        LongList configIndexes = new LongList();
        SegmentScanner.RecordSink sink = (index, term, kind) -> {
            terms.append(index, term);
            if (kind == EntryKind.CONFIG) {
                configIndexes.add(index);
            }
        };
        List<Segment> segments = new ArrayList<>();
        try {
            List<Long> firstIndexes = new ArrayList<>(files.keySet());
            for (int i = 0; i < firstIndexes.size(); i++) {
                long named = firstIndexes.get(i);
                Path file = files.get(named);
                boolean last = i == firstIndexes.size() - 1;
                FileHandle handle = fs.open(file);
                SegmentScanner scanner = new SegmentScanner(file, handle);
                long firstIndex = scanner.readHeader();
                if (firstIndex != named) {
                    handle.close();
                    if (!last) {
                        throw new StorageCorruptedException(file, 0, firstIndex < 0 ? "expected a segment header"
                                : "expected first index " + named + " as the file name says, found " + firstIndex);
                    }
                    // Started after the last sync and its header never became durable (absent or torn, or still
                    // the header of the reused file's earlier life): no record in it was ever acknowledged.
                    fs.delete(file);
                    break;
                }
                Segment segment = new Segment(file, handle, firstIndex, segmentCapacity);
                segments.add(segment);
                long expected = i == 0 ? base.index() + 1 : segments.get(i - 1).lastIndex() + 1;
                if (firstIndex != expected) {
                    throw new StorageCorruptedException(file, 8, "expected the segment to start at index "
                            + expected + (i == 0 ? " (after the compaction base)" : " (after the previous segment)")
                            + ", found " + firstIndex + ": entries are missing");
                }
                scanner.scanRecords(segment, last, sink);
                if (last) {
                    // Checked before the tail is wiped, so that the evidence survives for an operator.
                    checkReachesCommit(segment.lastIndex(), segment.file(), segment.end());
                    scanner.wipeAfter(segment.end());
                }
            }
            long lastIndex = segments.isEmpty() ? base.index() : segments.get(segments.size() - 1).lastIndex();
            checkReachesCommit(lastIndex, segments.isEmpty() ? logDir : segments.get(segments.size() - 1).file(),
                    StorageException.NO_OFFSET);
            if (segments.isEmpty()) {
                segments.add(createEmpty(base.index() + 1));
                }
        } catch (IOException | RuntimeException e) {
            for (Segment s : segments) {
                s.close();
            }
            throw e;
        }
        return new Result(segments, terms, configIndexes, base);
    }

    /**
     * A log that ends below the saved commit index has lost acknowledged entries (a damaged last record that looks
     * like a torn tail, a deleted segment): refuse to open rather than silently continue without them.
     */
    private void checkReachesCommit(long lastIndex, Path file, long offset) {
        if (lastIndex < committed) {
            throw new StorageCorruptedException(file, offset, "expected entries up to index " + committed
                    + ", the commit index saved in " + metaFile + ", but the log ends at index " + lastIndex);
        }
    }

    private Segment createEmpty(long firstIndex) throws IOException {
        Path file = logDir.resolve(Segment.fileName(firstIndex));
        FileHandle handle = fs.open(file);
        handle.truncate(0);
        handle.write(Segment.header(firstIndex), 0);
        Zeros.write(handle, Segment.HEADER_SIZE, segmentCapacity - Segment.HEADER_SIZE);
        handle.force(false);
        fs.syncDirectory(logDir);
        return new Segment(file, handle, firstIndex, segmentCapacity);
    }

    private long parseFirstIndex(String name) {
        String digits = name.substring(0, name.length() - Segment.SUFFIX.length());
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new StorageCorruptedException(logDir.resolve(name), StorageException.NO_OFFSET,
                    "expected a segment name of 20 digits");
        }
    }
}
