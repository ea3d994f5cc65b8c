package io.kayak.storage;

import io.kayak.UnsupportedFormatException;
import io.kayak.StorageCorruptedException;
import io.kayak.StorageException;
import io.kayak.core.Configuration;
import io.kayak.core.ConfigurationCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The snapshot files of a data directory ({@code dataDir/snapshots/}).
 *
 * <p>Guarantees: at most one complete snapshot is kept, the newest; a new snapshot becomes visible only once it is
 * complete and durable, and the previous one is deleted only after that, so a crash at any point leaves at least
 * one complete snapshot (once one was committed). A partial snapshot left by a crash is deleted on open. Reading and
 * writing stream events, so a snapshot is never held in memory whole. Format: {@link SnapshotFormat}.
 *
 * <p>Thread-safe; one snapshot may be written at a time.
 */
public final class SnapshotStore {
    static final String DIR = "snapshots";

    private final FileLayer fs;
    private final Path dir;
    private final FailStop failStop;
    private SnapshotMetadata latest;
    private Path latestFile;
    private long latestEventsStart;
    private boolean writing;

    private SnapshotStore(FileLayer fs, Path dir, FailStop failStop) {
        this.fs = fs;
        this.dir = dir;
        this.failStop = failStop;
    }

    static SnapshotStore open(FileLayer fs, Path dir, FailStop failStop) throws IOException {
        fs.createDirectories(dir);
        SnapshotStore store = new SnapshotStore(fs, dir, failStop);
        TreeMap<Long, Path> complete = new TreeMap<>();
        for (String name : fs.list(dir)) {
            if (name.endsWith(SnapshotFormat.PARTIAL_SUFFIX)) {
                fs.delete(dir.resolve(name)); // a snapshot whose writer crashed or was abandoned
            } else if (name.endsWith(SnapshotFormat.SUFFIX)) {
                String digits = name.substring(0, name.length() - SnapshotFormat.SUFFIX.length());
                try {
                    complete.put(Long.parseLong(digits), dir.resolve(name));
                } catch (NumberFormatException e) {
                    throw new StorageCorruptedException(dir.resolve(name), StorageException.NO_OFFSET,
                            "expected a snapshot name of 20 digits");
                }
            }
        }
        if (!complete.isEmpty()) {
            Path newest = complete.lastEntry().getValue();
            store.readHeader(newest);
            // Older ones remain only when a crash came between installing the newest and deleting them.
            for (Path older : complete.headMap(complete.lastKey()).values()) {
                fs.delete(older);
            }
        }
        return store;
    }

    /** The metadata of the newest complete snapshot, if there is one. */
    public synchronized Optional<SnapshotMetadata> latest() {
        return Optional.ofNullable(latest);
    }

    /** Opens the newest complete snapshot for streaming, if there is one. */
    public synchronized Optional<SnapshotReader> openLatest() {
        failStop.check();
        if (latest == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new SnapshotReader(latestFile, fs.open(latestFile), latest, latestEventsStart,
                    failStop));
        } catch (IOException e) {
            throw failStop.fail(latestFile, "open snapshot", e);
        }
    }

    /**
     * Starts writing a snapshot covering entries up to {@code lastIndex}.
     *
     * @throws IllegalArgumentException when a newer snapshot already exists
     * @throws IllegalStateException    when another snapshot is being written
     */
    public synchronized SnapshotWriter begin(long lastIndex, long lastTerm, Configuration configuration) {
        failStop.check();
        SnapshotMetadata metadata = new SnapshotMetadata(lastIndex, lastTerm, configuration);
        if (latest != null && latest.lastIndex() > lastIndex) {
            throw new IllegalArgumentException("snapshot at " + lastIndex + " is older than the existing one at "
                    + latest.lastIndex());
        }
        if (writing) {
            throw new IllegalStateException("a snapshot is already being written");
        }
        Path partial = dir.resolve(SnapshotFormat.fileName(lastIndex) + SnapshotFormat.PARTIAL_SUFFIX);
        try {
            FileHandle handle = fs.open(partial);
            handle.truncate(0);
            writing = true;
            return new SnapshotWriter(this, metadata, partial, handle, header(metadata), failStop);
        } catch (IOException e) {
            throw failStop.fail(partial, "create snapshot", e);
        }
    }

    /** Makes the forced {@code partial} file the newest snapshot, then deletes the one it replaces. */
    synchronized void install(Path partial, SnapshotMetadata metadata) {
        writing = false;
        installFile(partial, metadata);
    }

    /**
     * Makes the forced {@code partial} file the newest snapshot unless a newer one exists already (a snapshot
     * received from the leader may overtake a local one being written, and vice versa): then the partial file is
     * deleted instead, which loses nothing, since the newer snapshot covers more of the same committed log.
     * Returns whether it was installed.
     */
    private boolean installFile(Path partial, SnapshotMetadata metadata) {
        if (latest != null && latest.lastIndex() > metadata.lastIndex()) {
            try {
                fs.delete(partial);
            } catch (IOException e) {
                throw failStop.fail(partial, "discard a superseded snapshot", e);
            }
            return false;
        }
        Path target = dir.resolve(SnapshotFormat.fileName(metadata.lastIndex()));
        Path previous = latestFile;
        try {
            fs.rename(partial, target);
            fs.syncDirectory(dir);
            latest = metadata;
            latestFile = target;
            latestEventsStart = header(metadata).length;
            if (previous != null && !previous.equals(target)) {
                fs.delete(previous);
                fs.syncDirectory(dir);
            }
        } catch (IOException e) {
            throw failStop.fail(target, "install snapshot", e);
        }
        return true;
    }

    /**
     * Opens the newest complete snapshot's file, bytes as they are on disk, to stream it to another member; empty
     * when there is none. The file stays readable while open even if a newer snapshot replaces it meanwhile.
     */
    public synchronized Optional<SnapshotFile> openLatestFile() {
        failStop.check();
        if (latest == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new SnapshotFile(latestFile, fs.open(latestFile), latest, failStop));
        } catch (IOException e) {
            throw failStop.fail(latestFile, "open snapshot", e);
        }
    }

    /**
     * Starts receiving the file of the snapshot covering {@code lastIndex} (term {@code lastTerm}) from another
     * member, under a temporary name, so the current snapshot stays until the new one is complete and durable.
     * One reception at a time: the caller aborts the previous one first.
     */
    public synchronized IncomingSnapshot receive(long lastIndex, long lastTerm) {
        failStop.check();
        Path partial = dir.resolve(SnapshotFormat.fileName(lastIndex) + ".incoming" + SnapshotFormat.PARTIAL_SUFFIX);
        try {
            FileHandle handle = fs.open(partial);
            handle.truncate(0);
            return new IncomingSnapshot(this, partial, handle, lastIndex, lastTerm, failStop);
        } catch (IOException e) {
            throw failStop.fail(partial, "create snapshot", e);
        }
    }

    /** Installs a received file (see {@link #installFile}); returns whether it became the newest snapshot. */
    synchronized boolean installReceived(Path partial, SnapshotMetadata metadata) {
        return installFile(partial, metadata);
    }

    synchronized void discard(Path partial) throws IOException {
        writing = false;
        fs.delete(partial);
    }

    /** Deletes an abandoned reception's file. */
    synchronized void discardReceived(Path partial) throws IOException {
        fs.delete(partial);
    }

    private static byte[] header(SnapshotMetadata metadata) {
        byte[] config = ConfigurationCodec.encode(metadata.configuration());
        ByteBuffer header = ByteBuffer.allocate(4 + 4 + 8 + 8 + 4 + config.length + 4);
        header.putInt(SnapshotFormat.MAGIC).putInt(SnapshotFormat.VERSION);
        header.putLong(metadata.lastIndex()).putLong(metadata.lastTerm());
        header.putInt(config.length).put(config);
        header.putInt(Crc32c.of(header.array(), 0, header.position()));
        return header.array();
    }

    private void readHeader(Path file) throws IOException {
        try (FileHandle handle = fs.open(file)) {
            Header header = parseHeader(file, handle);
            latest = header.metadata();
            latestFile = Objects.requireNonNull(file);
            latestEventsStart = header.eventsStart();
        }
    }

    /** A snapshot file's metadata and where its events start. */
    record Header(SnapshotMetadata metadata, long eventsStart) {
    }

    /** Reads and checks the header of the snapshot file {@code file}. */
    static Header parseHeader(Path file, FileHandle handle) throws IOException {
        ByteBuffer fixed = ByteBuffer.allocate(28);
        if (handle.readFully(fixed, 0) < 28) {
            throw new StorageCorruptedException(file, 0, "expected a snapshot header, the file is too short");
        }
        fixed.flip();
        if (fixed.getInt() != SnapshotFormat.MAGIC) {
            throw new StorageCorruptedException(file, 0, "expected snapshot magic "
                    + Integer.toHexString(SnapshotFormat.MAGIC));
        }
        int version = fixed.getInt();
        if (version != SnapshotFormat.VERSION) {
            throw new UnsupportedFormatException(file, 4, version, SnapshotFormat.VERSION);
        }
        long lastIndex = fixed.getLong();
        long lastTerm = fixed.getLong();
        int configLength = fixed.getInt();
        if (configLength < 0 || configLength > handle.size() - 32) {
            throw new StorageCorruptedException(file, 24, "expected a configuration length, found "
                    + configLength);
        }
        ByteBuffer rest = ByteBuffer.allocate(configLength + 4);
        handle.readFully(rest, 28);
        rest.flip();
        byte[] whole = new byte[28 + configLength];
        fixed.get(0, whole, 0, 28);
        rest.get(0, whole, 28, configLength);
        if (rest.getInt(configLength) != Crc32c.of(whole, 0, whole.length)) {
            throw new StorageCorruptedException(file, 28 + configLength, "expected a header crc32c that matches");
        }
        byte[] config = new byte[configLength];
        System.arraycopy(whole, 28, config, 0, configLength);
        return new Header(new SnapshotMetadata(lastIndex, lastTerm, ConfigurationCodec.decode(config)),
                28 + configLength + 4);
    }
}
