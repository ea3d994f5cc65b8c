package io.kayak.storage;

import io.kayak.StorageLockedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * An in-memory {@link FileLayer} that keeps written-but-unsynced bytes apart from durable ones, so tests can crash it
 * at any point, and that injects I/O errors on demand.
 *
 * <p>Model: each file's content is durable as of its last {@code force}; every write or truncate since is a pending
 * operation, kept in one global order. A crash keeps the durable content plus the first {@code n} bytes of the
 * pending operations (a torn tail: the page cache wrote back part of what it held) and, unless told otherwise, loses
 * every create, rename and delete not yet made durable by {@link #syncDirectory}. Directories themselves are durable
 * when created. Locks die with the crash, as with a dead process.
 */
final class FaultyFileSystem implements FileLayer {
    /** File operations that can be made to fail. */
    enum Op { WRITE, FORCE, READ, RENAME, DELETE, SYNC_DIRECTORY }

    private static final class Inode {
        byte[] data = new byte[0];
        int size;
        byte[] durable = new byte[0];
        int durableSize;

        void write(byte[] bytes, int count, long position) {
            int end = (int) position + count;
            if (end > data.length) {
                data = Arrays.copyOf(data, Math.max(end, data.length * 2));
            }
            if (position > size) {
                Arrays.fill(data, size, (int) position, (byte) 0);
            }
            System.arraycopy(bytes, 0, data, (int) position, count);
            size = Math.max(size, end);
        }

        void truncate(long newSize) {
            if (newSize < size) {
                size = (int) newSize;
            }
        }

        void makeDurable() {
            durable = Arrays.copyOf(data, size);
            durableSize = size;
        }

        void revertToDurable() {
            data = Arrays.copyOf(durable, durableSize);
            size = durableSize;
        }
    }

    /** A write (bytes != null) or a truncate (bytes == null) not yet forced. */
    private record Pending(Inode inode, long position, byte[] bytes) {
        long cost() {
            return bytes == null ? 0 : bytes.length;
        }
    }

    private final Map<Path, Inode> names = new HashMap<>();
    private final Map<Path, Inode> durableNames = new HashMap<>();
    private final Set<Path> directories = new HashSet<>();
    private final List<Pending> pending = new ArrayList<>();
    private final Set<Path> locks = new HashSet<>();
    private final Set<Op> failing = EnumSet.noneOf(Op.class);
    private Predicate<Path> failingPaths = p -> true;
    private int generation;
    private long mutationsUntilDeath = Long.MAX_VALUE;
    private long mutations;

    // ------------------------------------------------------------------------------------- fault control

    /** Makes every later {@code op} on a path matching {@code paths} throw an {@link IOException}. */
    synchronized void fail(Op op, Predicate<Path> paths) {
        failing.add(op);
        failingPaths = paths;
    }

    synchronized void heal() {
        failing.clear();
        mutationsUntilDeath = Long.MAX_VALUE;
    }

    /**
     * Makes the {@code n}-th mutating operation from now (write, truncate, force, rename, delete, directory sync)
     * and every one after it fail, as if the process died there; {@link #crash} then decides what survived.
     */
    synchronized void dieAfter(long n) {
        mutationsUntilDeath = n;
    }

    /** Mutating operations performed so far (to enumerate every point {@link #dieAfter} can stop at). */
    synchronized long mutations() {
        return mutations;
    }

    /** An independent copy of the whole state, durable and pending, for trying several crashes at one point. */
    synchronized FaultyFileSystem copy() {
        FaultyFileSystem copy = new FaultyFileSystem();
        Map<Inode, Inode> mapped = new IdentityHashMap<>();
        java.util.function.Function<Inode, Inode> map = inode -> mapped.computeIfAbsent(inode, old -> {
            Inode fresh = new Inode();
            fresh.data = Arrays.copyOf(old.data, old.data.length);
            fresh.size = old.size;
            fresh.durable = Arrays.copyOf(old.durable, old.durable.length);
            fresh.durableSize = old.durableSize;
            return fresh;
        });
        names.forEach((path, inode) -> copy.names.put(path, map.apply(inode)));
        durableNames.forEach((path, inode) -> copy.durableNames.put(path, map.apply(inode)));
        for (Pending p : pending) {
            copy.pending.add(new Pending(map.apply(p.inode), p.position, p.bytes));
        }
        copy.directories.addAll(directories);
        return copy;
    }

    /** Bytes written but not forced, in the order a crash would tear them. */
    synchronized long pendingBytes() {
        return pending.stream().mapToLong(Pending::cost).sum();
    }

    /** Crash losing everything not durable. */
    synchronized void crash() {
        crash(0, false);
    }

    /**
     * Crash keeping the first {@code keptBytes} pending bytes (in write order) and, when {@code keepNames}, every
     * name change even if its directory was not synced.
     */
    synchronized void crash(long keptBytes, boolean keepNames) {
        Set<Inode> inodes = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        inodes.addAll(names.values());
        inodes.addAll(durableNames.values());
        for (Inode inode : inodes) {
            inode.revertToDurable();
        }
        long budget = keptBytes;
        for (Pending p : pending) {
            if (budget <= 0) {
                break;
            }
            if (p.bytes == null) {
                p.inode.truncate(p.position);
            } else {
                int n = (int) Math.min(budget, p.bytes.length);
                p.inode.write(p.bytes, n, p.position);
                budget -= n;
            }
        }
        pending.clear();
        for (Inode inode : inodes) {
            inode.makeDurable();
        }
        if (!keepNames) {
            names.clear();
            names.putAll(durableNames);
        } else {
            durableNames.clear();
            durableNames.putAll(names);
        }
        locks.clear();
        generation++;
        mutationsUntilDeath = Long.MAX_VALUE;
    }

    /** The current content of {@code file} (durable or not), for tests that corrupt or inspect files. */
    synchronized byte[] content(Path file) {
        Inode inode = names.get(file);
        return inode == null ? null : Arrays.copyOf(inode.data, inode.size);
    }

    /** Replaces {@code file}'s content durably, as a disk that rots or an operator's edit would. */
    synchronized void overwriteDurably(Path file, long position, byte[] bytes) {
        Inode inode = names.get(file);
        inode.write(bytes, bytes.length, position);
        inode.makeDurable();
    }

    synchronized List<Path> files() {
        return new ArrayList<>(names.keySet());
    }

    private void check(Op op, Path path) throws IOException {
        if (op != Op.READ) {
            mutations++;
            if (--mutationsUntilDeath <= 0) {
                mutationsUntilDeath = 0;
                throw new IOException("injected death at " + op + " on " + path);
            }
        }
        if (failing.contains(op) && failingPaths.test(path)) {
            throw new IOException("injected " + op + " failure on " + path);
        }
    }

    // -------------------------------------------------------------------------------------------- layer

    @Override
    public synchronized FileHandle open(Path file) throws IOException {
        if (!directories.contains(file.getParent())) {
            throw new java.nio.file.NoSuchFileException(file.toString());
        }
        Inode inode = names.computeIfAbsent(file, f -> new Inode());
        return new Handle(file, inode, generation);
    }

    @Override
    public synchronized boolean exists(Path file) {
        return names.containsKey(file) || directories.contains(file);
    }

    @Override
    public synchronized List<String> list(Path dir) {
        List<String> out = new ArrayList<>();
        for (Path p : names.keySet()) {
            if (dir.equals(p.getParent())) {
                out.add(p.getFileName().toString());
            }
        }
        return out;
    }

    @Override
    public synchronized void createDirectories(Path dir) {
        for (Path p = dir; p != null; p = p.getParent()) {
            directories.add(p);
        }
    }

    @Override
    public synchronized void rename(Path from, Path to) throws IOException {
        check(Op.RENAME, to);
        Inode inode = names.remove(from);
        if (inode == null) {
            throw new java.nio.file.NoSuchFileException(from.toString());
        }
        names.put(to, inode);
    }

    @Override
    public synchronized void delete(Path file) throws IOException {
        check(Op.DELETE, file);
        names.remove(file);
    }

    @Override
    public synchronized void syncDirectory(Path dir) throws IOException {
        check(Op.SYNC_DIRECTORY, dir);
        durableNames.keySet().removeIf(p -> dir.equals(p.getParent()) && !names.containsKey(p));
        for (Map.Entry<Path, Inode> e : names.entrySet()) {
            if (dir.equals(e.getKey().getParent())) {
                durableNames.put(e.getKey(), e.getValue());
            }
        }
    }

    @Override
    public synchronized AutoCloseable lock(Path lockFile) {
        if (!locks.add(lockFile)) {
            throw new StorageLockedException(lockFile, "it is already open");
        }
        int lockedIn = generation;
        return () -> {
            synchronized (FaultyFileSystem.this) {
                if (generation == lockedIn) {
                    locks.remove(lockFile);
                }
            }
        };
    }

    /** A handle that stops working after a crash, like the file descriptors of a dead process. */
    private final class Handle implements FileHandle {
        private final Path path;
        private final Inode inode;
        private final int openedIn;
        private boolean closed;

        Handle(Path path, Inode inode, int openedIn) {
            this.path = path;
            this.inode = inode;
            this.openedIn = openedIn;
        }

        private void checkLive() throws IOException {
            if (closed || generation != openedIn) {
                throw new java.nio.channels.ClosedChannelException();
            }
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            synchronized (FaultyFileSystem.this) {
                checkLive();
                check(Op.READ, path);
                if (position >= inode.size) {
                    return -1;
                }
                int n = (int) Math.min(dst.remaining(), inode.size - position);
                dst.put(inode.data, (int) position, n);
                return n;
            }
        }

        @Override
        public void write(ByteBuffer src, long position) throws IOException {
            synchronized (FaultyFileSystem.this) {
                checkLive();
                check(Op.WRITE, path);
                byte[] bytes = new byte[src.remaining()];
                src.get(bytes);
                inode.write(bytes, bytes.length, position);
                pending.add(new Pending(inode, position, bytes));
            }
        }

        @Override
        public void force(boolean metadata) throws IOException {
            synchronized (FaultyFileSystem.this) {
                checkLive();
                check(Op.FORCE, path);
                inode.makeDurable();
                pending.removeIf(p -> p.inode == inode);
            }
        }

        @Override
        public long size() throws IOException {
            synchronized (FaultyFileSystem.this) {
                checkLive();
                return inode.size;
            }
        }

        @Override
        public void truncate(long size) throws IOException {
            synchronized (FaultyFileSystem.this) {
                checkLive();
                check(Op.WRITE, path);
                inode.truncate(size);
                pending.add(new Pending(inode, size, null));
            }
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
