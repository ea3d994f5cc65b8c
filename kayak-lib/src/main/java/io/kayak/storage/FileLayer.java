package io.kayak.storage;

import io.kayak.StorageLockedException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The few file-system operations the storage layer uses, behind one interface so that tests can substitute a layer
 * that injects faults and simulates crashes.
 *
 * <p>Guarantee expected of every implementation: data written through a {@link FileHandle} is durable only after
 * {@link FileHandle#force}; a created, renamed or deleted name is durable only after {@link #syncDirectory} of its
 * parent directory. Storage code is written against exactly these rules and nothing stronger.
 */
public interface FileLayer {
    /** Opens {@code file} for reading and writing, creating it (empty) when it does not exist. */
    FileHandle open(Path file) throws IOException;

    /** Whether {@code file} exists. */
    boolean exists(Path file) throws IOException;

    /** The names (not paths) of the regular files directly inside {@code dir}, in no particular order. */
    List<String> list(Path dir) throws IOException;

    /** Creates {@code dir} and its missing parents; nothing happens when it exists. */
    void createDirectories(Path dir) throws IOException;

    /** Atomically renames {@code from} to {@code to}, replacing {@code to} when it exists. */
    void rename(Path from, Path to) throws IOException;

    /** Deletes {@code file} when it exists. */
    void delete(Path file) throws IOException;

    /** Makes creations, renames and deletions of names inside {@code dir} durable. */
    void syncDirectory(Path dir) throws IOException;

    /**
     * Takes an exclusive lock on {@code lockFile} for as long as the returned handle is open, against other
     * processes and other opens in this JVM alike.
     *
     * @throws StorageLockedException when someone else holds it
     */
    AutoCloseable lock(Path lockFile) throws IOException;
}
