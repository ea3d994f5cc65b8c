package io.kayak.storage;

import io.kayak.UnsupportedFormatException;
import io.kayak.StorageLockedException;
import io.kayak.StorageCorruptedException;
import io.kayak.StorageException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A member's data directory, opened for exclusive use: it holds the directory lock for as long as it is open
 * (against other processes and against a second open in this JVM), checks the format version, and gives access to
 * the {@link WriteAheadLog} (with the hard state) and the {@link SnapshotStore}.
 *
 * <pre>
 * dataDir/lock         held while open
 * dataDir/format       "kayak-storage 1"
 * dataDir/meta         hard state, replaced atomically
 * dataDir/log/         segments (20-digit first index + ".seg") and "base", the compaction base
 * dataDir/snapshots/   snapshots (20-digit last index + ".snap")
 * </pre>
 */
public final class DataDirectory implements AutoCloseable {
    static final String LOCK_FILE = "lock";

    private final AutoCloseable lock;
    private final WriteAheadLog log;
    private final SnapshotStore snapshots;
    private final Path path;

    private DataDirectory(Path path, AutoCloseable lock, WriteAheadLog log, SnapshotStore snapshots) {
        this.path = path;
        this.lock = lock;
        this.log = log;
        this.snapshots = snapshots;
    }

    /** Opens {@code dataDir} with the default options, creating it when it does not exist. */
    public static DataDirectory open(Path dataDir) {
        return open(dataDir, StorageOptions.defaults());
    }

    /**
     * Opens {@code dataDir}, creating it when it does not exist, and recovers its log.
     *
     * @throws StorageLockedException      when it is already open
     * @throws UnsupportedFormatException  when it was written in a newer format
     * @throws StorageCorruptedException   when recovery finds corruption (naming file and offset)
     * @throws StorageException            for any I/O error while opening
     */
    public static DataDirectory open(Path dataDir, StorageOptions options) {
        FileLayer fs = options.fileLayer();
        AutoCloseable lock = null;
        try {
            fs.createDirectories(dataDir);
            lock = fs.lock(dataDir.resolve(LOCK_FILE));
            deleteTemporaryFiles(fs, dataDir);
            FormatFile.checkOrCreate(fs, dataDir);
            FailStop failStop = new FailStop();
            failStop.addListener(options.failureListener());
            WriteAheadLog log = WriteAheadLog.open(dataDir, options, failStop);
            SnapshotStore snapshots;
            try {
                snapshots = SnapshotStore.open(fs, dataDir.resolve(SnapshotStore.DIR), failStop);
            } catch (IOException | RuntimeException e) {
                log.close();
                throw e;
            }
            return new DataDirectory(dataDir, lock, log, snapshots);
        } catch (IOException | RuntimeException e) {
            closeQuietly(lock, e);
            if (e instanceof StorageException) {
                throw (StorageException) e;
            }
            if (e instanceof RuntimeException) {
                throw (RuntimeException) e;
            }
            throw new StorageException(dataDir, StorageException.NO_OFFSET, "cannot open: " + e, e);
        }
    }

    private static void deleteTemporaryFiles(FileLayer fs, Path dataDir) throws IOException {
        for (String name : fs.list(dataDir)) {
            if (name.endsWith(AtomicFile.TEMP_SUFFIX)) {
                fs.delete(dataDir.resolve(name));
            }
        }
    }

    private static void closeQuietly(AutoCloseable lock, Exception failure) {
        if (lock == null) {
            return;
        }
        try {
            lock.close();
        } catch (Exception e) {
            failure.addSuppressed(e);
        }
    }

    /** The directory's path. */
    public Path path() {
        return path;
    }

    /** The write-ahead log and hard state. */
    public WriteAheadLog log() {
        return log;
    }

    /** The snapshot files. */
    public SnapshotStore snapshots() {
        return snapshots;
    }

    /** Closes the log (without syncing) and releases the lock. */
    @Override
    public void close() {
        log.close();
        try {
            lock.close();
        } catch (Exception e) {
            throw new StorageException(path.resolve(LOCK_FILE), StorageException.NO_OFFSET,
                    "cannot release the lock", e);
        }
    }
}
