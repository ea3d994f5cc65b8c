package io.kayak.storage;

import io.kayak.StorageFailedException;
import io.kayak.StorageCorruptedException;
import io.kayak.core.CompactedException;
import io.kayak.core.Configuration;
import io.kayak.core.ConfigurationCodec;
import io.kayak.core.Entry;
import io.kayak.core.EntryKind;
import io.kayak.core.HardState;
import io.kayak.core.IndexedConfiguration;
import io.kayak.core.LogStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The durable, segmented write-ahead log of one member, with its hard state: Kayak's production {@link LogStore}.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>Everything appended or saved before a {@link #sync()} returns survives any crash; after a crash the log
 *       holds that plus possibly a prefix of later writes, never a reordering or half of a record.</li>
 *   <li><b>Group commit.</b> {@link #append} only writes (one channel write per batch, from a direct buffer) and
 *       {@link #sync()} forces. Threads may append and sync concurrently: one force covers every write completed
 *       before it started, and a sync that finds a force in progress waits for it and forces again only if its
 *       own writes were not covered.</li>
 *   <li>Data is forced with {@code force(false)} (fdatasync). That is safe because segments are preallocated
 *       (their size never changes while records are written into them), so the only metadata that matters for
 *       reading the data back is already durable; the creation of a new segment is made durable by forcing the
 *       directory before the sync that covers its records returns.</li>
 *   <li><b>Fail-stop.</b> An I/O error from a write, force, rename or read trips the store for good: that call
 *       and every later one throw {@link StorageFailedException}; see {@link #failed()}.</li>
 *   <li>Memory: the log is read from disk (page cache) with positional reads; the heap holds an {@code int} per
 *       entry of index, a pair of longs per term change, a long per configuration entry, and a bounded cache of
 *       the newest entries.</li>
 * </ul>
 *
 * <p>Thread-safe. Opened through {@link DataDirectory}, which owns the directory lock.
 */
public final class WriteAheadLog implements LogStore, AutoCloseable {
    static final String LOG_DIR = "log";
    static final String META_FILE = "meta";
    private static final int MAX_BATCH_BUFFER = 4 << 20;
    /** A zero record length: "no more records in this segment". */
    private static final ByteBuffer END_MARKER = ByteBuffer.allocate(4).asReadOnlyBuffer();

    private final FileLayer fs;
    private final Path logDir;
    private final Path metaFile;
    private final Path baseFile;
    private final int segmentCapacity;
    private final FailStop failStop;
    private final SegmentPreallocator preallocator;

    /** Guards all state below and every write and read. Never held while waiting for a group-commit force. */
    private final ReentrantLock lock = new ReentrantLock();
    /**
     * Held by the one thread forcing at a time, and by truncation and compaction, which close and delete segments a
     * force might otherwise still be using. Always taken before {@link #lock}.
     */
    private final ReentrantLock forceLock = new ReentrantLock();

    private final List<Segment> segments;
    private final TermRuns terms;
    private final LongList configIndexes;
    private final RecentEntries cache;
    private LogBase base;
    private HardState hardState;
    private IndexedConfiguration lastReadConfig;

    private final Set<Segment> unforced = new LinkedHashSet<>();
    private boolean directoryDirty;
    private boolean hardStateDirty;
    /** Counts mutations; {@link #durableSeq} is the count covered by the last completed force. */
    private volatile long writeSeq;
    private volatile long durableSeq;
    private ByteBuffer batch = ByteBuffer.allocateDirect(64 << 10).order(ByteOrder.BIG_ENDIAN);
    private boolean closed;

    private WriteAheadLog(FileLayer fs, Path dataDir, StorageOptions options, FailStop failStop,
                          LogRecovery.Result recovered, HardState hardState) {
        this.fs = fs;
        this.logDir = dataDir.resolve(LOG_DIR);
        this.metaFile = dataDir.resolve(META_FILE);
        this.baseFile = logDir.resolve(LogBase.FILE_NAME);
        this.segmentCapacity = options.segmentCapacity();
        this.failStop = failStop;
        this.segments = recovered.segments();
        this.terms = recovered.terms();
        this.configIndexes = recovered.configIndexes();
        this.base = recovered.base();
        this.hardState = hardState;
        this.cache = new RecentEntries(options.cacheBytes());
        this.preallocator = new SegmentPreallocator(fs, logDir, segmentCapacity, options.preallocationExecutor());
        preallocator.prepare();
    }

    /** Opens (recovering) or creates the log in {@code dataDir}; the caller holds the directory lock. */
    static WriteAheadLog open(Path dataDir, StorageOptions options, FailStop failStop) throws IOException {
        FileLayer fs = options.fileLayer();
        Path logDir = dataDir.resolve(LOG_DIR);
        fs.createDirectories(logDir);
        HardState hardState = HardStateFile.read(fs, dataDir.resolve(META_FILE));
        LogRecovery.Result recovered = new LogRecovery(fs, logDir, options.segmentCapacity(), hardState.commit(),
                dataDir.resolve(META_FILE)).recover();
        // What was read may still be only in the page cache (the previous process may have stopped before its
        // sync). Make it durable now: from here on it is what this member acts on and acknowledges.
        try {
            recovered.segments().get(recovered.segments().size() - 1).handle().force(false);
            fs.syncDirectory(logDir);
            fs.syncDirectory(dataDir);
        } catch (IOException e) {
            for (Segment segment : recovered.segments()) {
                segment.close();
            }
            throw e;
        }
        return new WriteAheadLog(fs, dataDir, options, failStop, recovered, hardState);
    }

    // ---------------------------------------------------------------------------------------------- reads

    @Override
    public long firstIndex() {
        lock.lock();
        try {
            return segments.get(0).firstIndex();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long lastIndex() {
        lock.lock();
        try {
            return lastIndexLocked();
        } finally {
            lock.unlock();
        }
    }

    private long lastIndexLocked() {
        return active().lastIndex();
    }

    @Override
    public long term(long index) {
        lock.lock();
        try {
            checkUsable();
            if (index == base.index()) {
                return base.term();
            }
            if (index < base.index()) {
                throw new CompactedException(index, base.index() + 1);
            }
            if (index > lastIndexLocked()) {
                throw new IllegalArgumentException("index " + index + " is beyond the last index "
                        + lastIndexLocked());
            }
            return terms.termAt(index);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Entry> entries(long from, long toExclusive, long maxBytes) {
        lock.lock();
        try {
            checkUsable();
            long first = segments.get(0).firstIndex();
            if (from < first) {
                throw new CompactedException(from, first);
            }
            if (toExclusive > lastIndexLocked() + 1 || from > toExclusive) {
                throw new IllegalArgumentException("range [" + from + ", " + toExclusive + ") is outside the log "
                        + "[" + first + ", " + (lastIndexLocked() + 1) + ")");
            }
            List<Entry> out = new ArrayList<>((int) Math.min(toExclusive - from, 1024));
            long used = 0;
            long next = from;
            while (next < toExclusive) {
                if (next >= cache.firstIndex()) {
                    cache.copy(next, toExclusive, maxBytes - used, out);
                    break;
                }
                long stop = Math.min(Math.min(toExclusive, cache.firstIndex()), segmentOf(next).lastIndex() + 1);
                int before = out.size();
                used += readFromDisk(next, stop, maxBytes - used, out);
                long reached = out.isEmpty() ? next : out.get(out.size() - 1).index() + 1;
                if (out.size() == before || reached < stop) {
                    break; // stopped by the byte limit
                }
                next = reached;
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** Reads entries of one segment from {@code from} while they fit; returns the bytes (by Entry.size) added. */
    private long readFromDisk(long from, long toExclusive, long budget, List<Entry> out) {
        Segment segment = segmentOf(from);
        long end = Math.min(toExclusive, segment.lastIndex() + 1);
        long used = 0;
        long last = from;
        while (last < end) {
            long size = segment.sizeOf(last) - 1; // Entry.size() is the payload plus 24; a record adds 25
            if ((!out.isEmpty() || last > from) && used + size > budget) {
                break;
            }
            used += size;
            last++;
        }
        int start = segment.offsetOf(from);
        int length = (last < segment.lastIndex() + 1 ? segment.offsetOf(last) : segment.end()) - start;
        ByteBuffer bytes = ByteBuffer.allocate(length);
        try {
            int n = segment.handle().readFully(bytes, start);
            if (n != length) {
                throw new StorageCorruptedException(segment.file(), start + n, "expected " + length
                        + " bytes of records, the file ends first");
            }
        } catch (IOException e) {
            throw failStop.fail(segment.file(), "read at offset " + start, e);
        }
        int at = 0;
        for (long index = from; index < last; index++) {
            int size = segment.sizeOf(index);
            if (bytes.getInt(at + RecordFormat.CRC_OFFSET) != RecordFormat.checksum(bytes, at, size)
                    || bytes.getLong(at + RecordFormat.INDEX_OFFSET) != index) {
                throw new StorageCorruptedException(segment.file(), start + at, "expected a valid record for index "
                        + index + " (it was valid when the log was opened)");
            }
            out.add(RecordFormat.read(bytes, at, size));
            at += size;
        }
        return used;
    }

    @Override
    public IndexedConfiguration configurationBefore(long index) {
        lock.lock();
        try {
            checkUsable();
            int slot = configIndexes.lastBelow(index);
            if (slot >= 0) {
                return readConfiguration(configIndexes.get(slot));
            }
            IndexedConfiguration fromBase = base.configuration();
            if (fromBase == null) {
                return null;
            }
            if (fromBase.index() < index) {
                return fromBase;
            }
            // A configuration between an older one and index may have been compacted away: unknowable.
            throw new CompactedException(index, segments.get(0).firstIndex());
        } finally {
            lock.unlock();
        }
    }

    private IndexedConfiguration readConfiguration(long index) {
        if (lastReadConfig != null && lastReadConfig.index() == index) {
            return lastReadConfig;
        }
        Entry entry = cache.get(index);
        if (entry == null) {
            List<Entry> one = new ArrayList<>(1);
            readFromDisk(index, index + 1, 0, one);
            entry = one.get(0);
        }
        try {
            lastReadConfig = new IndexedConfiguration(index, ConfigurationCodec.decode(entry.payload()));
        } catch (IllegalArgumentException e) {
            Segment segment = segmentOf(index);
            throw new StorageCorruptedException(segment.file(), segment.offsetOf(index),
                    "expected a configuration in CONFIG entry " + index + ": " + e.getMessage());
        }
        return lastReadConfig;
    }

    @Override
    public HardState hardState() {
        lock.lock();
        try {
            checkUsable();
            return hardState;
        } finally {
            lock.unlock();
        }
    }

    // --------------------------------------------------------------------------------------------- writes

    /**
     * {@inheritDoc}
     *
     * <p>Entries that the log already holds with the same index and term are skipped rather than rewritten: by
     * Raft's log matching property they are the same entries, and removing them would durably drop entries this
     * member may already have acknowledged (a retransmitted AppendEntries must never cost a synced entry). The
     * suffix is removed from the first entry whose term differs (Raft §5.3).
     */
    @Override
    public void append(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            checkUsable();
            if (entries.get(0).index() > lastIndexLocked()) {
                appendLocked(entries);
                return;
            }
        } finally {
            lock.unlock();
        }
        // Overlap with held entries: needs the force lock too (truncation forces and deletes segments).
        forceLock.lock();
        try {
            lock.lock();
            try {
                checkUsable();
                validate(entries);
                int skip = 0;
                while (skip < entries.size() && entries.get(skip).index() <= lastIndexLocked()
                        && entries.get(skip).term() == terms.termAt(entries.get(skip).index())) {
                    skip++;
                }
                if (skip == entries.size()) {
                    return;
                }
                List<Entry> rest = entries.subList(skip, entries.size());
                if (rest.get(0).index() <= lastIndexLocked()) {
                    truncateFrom(rest.get(0).index());
                }
                appendLocked(rest);
            } finally {
                lock.unlock();
            }
        } finally {
            forceLock.unlock();
        }
    }

    private void validate(List<Entry> entries) {
        long expected = entries.get(0).index();
        long first = segments.get(0).firstIndex();
        if (expected < first) {
            throw new CompactedException(expected, first);
        }
        if (expected > lastIndexLocked() + 1) {
            throw new IllegalArgumentException("entries start at " + expected + ", after the last index "
                    + lastIndexLocked() + ": the log would have a gap");
        }
        for (Entry e : entries) {
            if (e.index() != expected++) {
                throw new IllegalArgumentException("entries are not contiguous at index " + e.index());
            }
            if (RecordFormat.recordSize(e) > segmentCapacity - Segment.HEADER_SIZE) {
                throw new IllegalArgumentException("entry " + e.index() + " has " + e.payload().length
                        + " payload bytes; segments of " + segmentCapacity + " bytes hold at most "
                        + (segmentCapacity - Segment.HEADER_SIZE - RecordFormat.HEADER_SIZE));
            }
        }
    }

    private void appendLocked(List<Entry> entries) {
        validate(entries);
        Segment segment = active();
        batch.clear();
        int batchStart = segment.end();
        try {
            for (Entry e : entries) {
                int size = RecordFormat.recordSize(e);
                if (!segment.fits(size)) {
                    flush(segment, batchStart);
                    segment = roll(e.index());
                    batchStart = segment.end();
                } else if (batch.remaining() < size && batch.capacity() >= MAX_BATCH_BUFFER) {
                    flush(segment, batchStart);
                    batchStart = segment.end();
                }
                growBatch(size);
                RecordFormat.write(e, batch);
                segment.appended(size);
                terms.append(e.index(), e.term());
                if (e.kind() == EntryKind.CONFIG) {
                    configIndexes.add(e.index());
                }
                cache.add(e);
            }
            flush(segment, batchStart);
        } catch (IOException e) {
            throw failStop.fail(segment.file(), "write", e);
        }
        writeSeq++;
    }

    private void growBatch(int recordSize) {
        if (batch.remaining() >= recordSize) {
            return;
        }
        int capacity = batch.capacity();
        while (capacity - batch.position() < recordSize) {
            capacity *= 2;
        }
        ByteBuffer bigger = ByteBuffer.allocateDirect(capacity);
        batch.flip();
        bigger.put(batch);
        batch = bigger;
    }

    /** Writes the batch buffer into {@code segment} at {@code position} with one channel write. */
    private void flush(Segment segment, int position) throws IOException {
        if (batch.position() == 0) {
            return;
        }
        batch.flip();
        segment.handle().write(batch, position);
        batch.clear();
        unforced.add(segment);
    }

    /**
     * Starts a new segment for {@code firstIndex}. The full segment gets an end marker and is forced first: then
     * only the last segment can ever hold a torn record, which is what lets recovery call an invalid record anywhere
     * else corruption.
     */
    private Segment roll(long firstIndex) throws IOException {
        Segment full = active();
        if (full.fits(END_MARKER.capacity())) {
            // A reused file holds old bytes after the last record: mark where this segment's data ends.
            full.handle().write(END_MARKER.duplicate(), full.end());
        }
        full.handle().force(false);
        unforced.remove(full);
        Segment next = createSegment(firstIndex);
        segments.add(next);
        return next;
    }

    /**
     * Turns the preallocated file into the segment for {@code firstIndex}. Its name becomes durable with the
     * directory force of the next sync, before any record in it is acknowledged; until then a crash may lose the
     * name, which loses only unsynced records.
     */
    private Segment createSegment(long firstIndex) throws IOException {
        Path file = logDir.resolve(Segment.fileName(firstIndex));
        Path source = preallocator.take();
        fs.rename(source, file);
        preallocator.replenish(source);
        FileHandle handle = fs.open(file);
        try {
            handle.write(Segment.header(firstIndex), 0);
        } catch (IOException e) {
            handle.close();
            throw e;
        }
        directoryDirty = true;
        Segment segment = new Segment(file, handle, firstIndex, segmentCapacity);
        unforced.add(segment);
        return segment;
    }

    /**
     * Removes entries {@code >= index} durably before returning. Later segments are deleted (and the deletion made
     * durable) first, then the cut bytes of the segment holding {@code index} are zeroed and forced: at every crash
     * point the log on disk is a prefix of the old log, and no stale record can ever follow a new one.
     */
    private void truncateFrom(long index) {
        Path current = logDir;
        try {
            boolean deleted = false;
            while (segments.size() > 1 && active().firstIndex() > index) {
                Segment gone = segments.remove(segments.size() - 1);
                unforced.remove(gone);
                current = gone.file();
                gone.close();
                fs.delete(gone.file());
                deleted = true;
            }
            if (deleted) {
                current = logDir;
                fs.syncDirectory(logDir);
            }
            Segment segment = active();
            current = segment.file();
            int oldEnd = segment.end();
            int from = segment.truncateFrom(index);
            Zeros.write(segment.handle(), from, oldEnd - from);
            segment.handle().force(false);
        } catch (IOException e) {
            throw failStop.fail(current, "truncate from index " + index, e);
        }
        terms.truncateFrom(index);
        configIndexes.removeFrom(index);
        cache.truncateFrom(index);
        if (lastReadConfig != null && lastReadConfig.index() >= index) {
            lastReadConfig = null;
        }
        writeSeq++;
    }

    @Override
    public void saveHardState(HardState state) {
        lock.lock();
        try {
            checkUsable();
            hardState = state;
            hardStateDirty = true;
            writeSeq++;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void sync() {
        checkUsable();
        long target = writeSeq;
        if (durableSeq >= target) {
            return;
        }
        forceLock.lock();
        try {
            checkUsable();
            if (durableSeq >= target) {
                return; // the force we waited for covered our writes
            }
            List<Segment> toForce;
            boolean syncDirectory;
            HardState stateToSave;
            long covered;
            lock.lock();
            try {
                covered = writeSeq;
                toForce = new ArrayList<>(unforced);
                unforced.clear();
                syncDirectory = directoryDirty;
                directoryDirty = false;
                stateToSave = hardStateDirty ? hardState : null;
                hardStateDirty = false;
            } finally {
                lock.unlock();
            }
            force(toForce, syncDirectory, stateToSave);
            durableSeq = covered;
        } finally {
            forceLock.unlock();
        }
    }

    /**
     * Forces the log before the hard state: the saved commit index must never point past the durable log.
     */
    private void force(List<Segment> toForce, boolean syncDirectory, HardState stateToSave) {
        Path current = logDir;
        try {
            for (Segment segment : toForce) {
                current = segment.file();
                segment.handle().force(false);
            }
            current = logDir;
            if (syncDirectory) {
                fs.syncDirectory(logDir);
            }
            if (stateToSave != null) {
                current = metaFile;
                HardStateFile.write(fs, metaFile, stateToSave);
            }
        } catch (IOException e) {
            throw failStop.fail(current, "force", e);
        }
    }

    @Override
    public void compact(long upToIndex) {
        forceLock.lock();
        try {
            lock.lock();
            try {
                checkUsable();
                int drop = 0;
                while (drop < segments.size() - 1 && segments.get(drop).lastIndex() <= upToIndex) {
                    drop++;
                }
                if (drop == 0) {
                    return;
                }
                long newFirst = segments.get(drop).firstIndex();
                long newBaseIndex = newFirst - 1;
                LogBase newBase = new LogBase(newBaseIndex, term(newBaseIndex), configurationBefore(newFirst));
                Path current = baseFile;
                try {
                    // The base must be durable before the segments go, or a crash could lose term(firstIndex - 1).
                    newBase.write(fs, baseFile);
                    for (int i = 0; i < drop; i++) {
                        Segment gone = segments.remove(0);
                        unforced.remove(gone);
                        current = gone.file();
                        long size = gone.handle().size();
                        gone.close();
                        if (!preallocator.park(gone.file(), size)) {
                            fs.delete(gone.file());
                        }
                    }
                } catch (IOException e) {
                    throw failStop.fail(current, "compact up to index " + upToIndex, e);
                }
                // A deletion or parking lost in a crash is finished by recovery: no directory force is needed here.
                base = newBase;
                terms.dropBefore(newFirst);
                int configsBelow = configIndexes.lastBelow(newFirst) + 1;
                configIndexes.removeFirst(configsBelow);
                cache.dropBefore(newFirst);
            } finally {
                lock.unlock();
            }
        } finally {
            forceLock.unlock();
        }
    }

    /**
     * Replaces the log by a snapshot's base. Crash-safe at every step: the unsynced writes are synced, entries after
     * {@code index} are truncated durably, then the new base is written atomically; from that moment recovery
     * treats every segment that ends before it as leftovers (see {@link LogRecovery}). Only then does a new empty
     * segment start at {@code index + 1} and the old segments go.
     */
    @Override
    public void installSnapshot(long index, long term, Configuration configuration) {
        sync();
        forceLock.lock();
        try {
            lock.lock();
            try {
                checkUsable();
                if (index < base.index()) {
                    throw new IllegalArgumentException("snapshot index " + index + " is below the log's base "
                            + base.index());
                }
                if (lastIndexLocked() > index) {
                    truncateFrom(Math.max(index + 1, segments.get(0).firstIndex()));
                }
                LogBase newBase = new LogBase(index, term, new IndexedConfiguration(index, configuration));
                Path current = baseFile;
                try {
                    newBase.write(fs, baseFile);
                    Segment reuse = active();
                    Segment fresh = reuse.firstIndex() == index + 1 && reuse.lastIndex() == index ? reuse
                            : createSegment(index + 1);
                    for (Segment old : new ArrayList<>(segments)) {
                        if (old == fresh) {
                            continue;
                        }
                        segments.remove(old);
                        unforced.remove(old);
                        current = old.file();
                        old.close();
                        fs.delete(old.file());
                    }
                    if (segments.isEmpty()) {
                        segments.add(fresh);
                    }
                    current = fresh.file();
                    fresh.handle().force(false);
                    unforced.remove(fresh);
                    current = logDir;
                    fs.syncDirectory(logDir);
                    directoryDirty = false;
                } catch (IOException e) {
                    throw failStop.fail(current, "install snapshot at index " + index, e);
                }
                base = newBase;
                terms.dropBefore(index + 1);
                configIndexes.removeFirst(configIndexes.size());
                cache.dropBefore(index + 1);
                lastReadConfig = null;
                writeSeq++;
            } finally {
                lock.unlock();
            }
        } finally {
            forceLock.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------- lifecycle

    /** Whether the store has failed stop; once true it stays true and every call throws. */
    public boolean failed() {
        return failStop.failed();
    }

    /** The failure that stopped the store, or null. */
    public StorageFailedException failure() {
        return failStop.failure();
    }

    /**
     * How many bytes the records of the entries after {@code index} take in the segments (headers included,
     * preallocated free space not): what compaction up to {@code index} would leave of the log. Costs one step per
     * segment.
     */
    public long bytesAfter(long index) {
        lock.lock();
        try {
            long bytes = 0;
            for (Segment s : segments) {
                if (s.lastIndex() <= index) {
                    continue;
                }
                long from = Math.max(index + 1, s.firstIndex());
                bytes += s.end() - s.offsetOf(from);
            }
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    /** The segment files currently making up the log, oldest first (for operators and tests). */
    public List<Path> segmentFiles() {
        lock.lock();
        try {
            List<Path> files = new ArrayList<>();
            for (Segment s : segments) {
                files.add(s.file());
            }
            return Collections.unmodifiableList(files);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes the files without syncing: what was not synced may be lost, as in a crash. The preparation of the next
     * segment is cancelled, not waited for (at most for the step it is writing).
     */
    @Override
    public void close() {
        forceLock.lock();
        try {
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                closed = true;
                // Not waited for: a closing log needs no next segment. Once this returns nothing writes here.
                preallocator.cancel();
                for (Segment s : segments) {
                    try {
                        s.close();
                    } catch (IOException e) {
                        // Closing cannot lose synced data; what was not synced is documented as at risk.
                    }
                }
            } finally {
                lock.unlock();
            }
        } finally {
            forceLock.unlock();
        }
    }

    private void checkUsable() {
        failStop.check();
        if (closed) {
            throw new IllegalStateException("the log is closed");
        }
    }

    private Segment active() {
        return segments.get(segments.size() - 1);
    }

    private Segment segmentOf(long index) {
        int lo = 0;
        int hi = segments.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (segments.get(mid).firstIndex() <= index) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return segments.get(lo);
    }
}
