package io.kayak.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.kayak.core.Entry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Group commit: a sync that arrives while a force is in progress waits for it and then forces only if its writes
 * were not covered; syncs with nothing new to force cost nothing; concurrent appenders and syncers lose nothing.
 */
class GroupCommitTest {
    private static final Path DATA = Path.of("/data");

    /** A file layer that counts segment forces and can hold one force until released. */
    private static final class GatedFileSystem extends ForwardingFileLayer {
        final AtomicInteger segmentForces = new AtomicInteger();
        volatile CountDownLatch entered = new CountDownLatch(0);
        volatile CountDownLatch release = new CountDownLatch(0);

        GatedFileSystem(FileLayer delegate) {
            super(delegate);
        }

        @Override
        public FileHandle open(Path file) throws IOException {
            FileHandle handle = super.open(file);
            if (!file.toString().endsWith(Segment.SUFFIX)) {
                return handle;
            }
            return new ForwardingHandle(handle) {
                @Override
                public void force(boolean metadata) throws IOException {
                    segmentForces.incrementAndGet();
                    entered.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    super.force(metadata);
                }
            };
        }
    }

    private static Entry entry(long index) {
        return Entry.normal(index, 1, new byte[] {(byte) index});
    }

    @Test
    void aSyncWithNothingNewDoesNotForce() {
        GatedFileSystem fs = new GatedFileSystem(new FaultyFileSystem());
        try (DataDirectory directory = DataDirectory.open(DATA, StorageOptions.defaults().withFileLayer(fs).withPreallocationExecutor(Runnable::run)
                .withSegmentCapacity(1 << 16))) {
            WriteAheadLog log = directory.log();
            log.append(List.of(entry(1)));
            int before = fs.segmentForces.get();
            log.sync();
            assertThat(fs.segmentForces.get()).isEqualTo(before + 1);
            log.sync();
            log.sync();
            assertThat(fs.segmentForces.get()).isEqualTo(before + 1);
        }
    }

    @Test
    void syncsArrivingDuringAForceShareTheNextOne() throws Exception {
        GatedFileSystem fs = new GatedFileSystem(new FaultyFileSystem());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (DataDirectory directory = DataDirectory.open(DATA, StorageOptions.defaults().withFileLayer(fs).withPreallocationExecutor(Runnable::run)
                .withSegmentCapacity(1 << 16))) {
            WriteAheadLog log = directory.log();
            log.append(List.of(entry(1)));
            fs.entered = new CountDownLatch(1);
            fs.release = new CountDownLatch(1);
            int before = fs.segmentForces.get();
            Future<?> first = pool.submit(log::sync);
            assertThat(fs.entered.await(10, TimeUnit.SECONDS)).isTrue();

            // While the first force is stuck, three more writers append and sync.
            List<Future<?>> waiting = new ArrayList<>();
            for (long i = 2; i <= 4; i++) {
                log.append(List.of(entry(i)));
            }
            for (int t = 0; t < 3; t++) {
                waiting.add(pool.submit(log::sync));
            }
            fs.release.countDown();
            first.get(10, TimeUnit.SECONDS);
            for (Future<?> f : waiting) {
                f.get(10, TimeUnit.SECONDS);
            }
            // One force for the first sync, one shared by the three that waited: not four.
            assertThat(fs.segmentForces.get() - before).isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentAppendersAndSyncersLoseNothingThatWasSynced() throws Exception {
        FaultyFileSystem disk = new FaultyFileSystem();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        long perThread = 200;
        try (DataDirectory directory = DataDirectory.open(DATA, StorageOptions.defaults().withFileLayer(disk).withPreallocationExecutor(Runnable::run)
                .withSegmentCapacity(4096))) {
            WriteAheadLog log = directory.log();
            Object appendOrder = new Object();
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                workers.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        synchronized (appendOrder) { // indexes must be contiguous: one appender at a time
                            log.append(List.of(entry(log.lastIndex() + 1)));
                        }
                        log.sync();
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get(60, TimeUnit.SECONDS);
            }
            assertThat(log.lastIndex()).isEqualTo(4 * perThread);
        } finally {
            pool.shutdownNow();
        }
        disk.crash();
        try (DataDirectory directory = DataDirectory.open(DATA, StorageOptions.defaults().withFileLayer(disk).withPreallocationExecutor(Runnable::run)
                .withSegmentCapacity(4096))) {
            assertThat(directory.log().lastIndex()).isEqualTo(4 * perThread);
            assertThat(directory.log().segmentFiles()).hasSizeGreaterThan(1);
        }
    }

    /** Passes every call through; subclasses override what they observe. */
    private static class ForwardingFileLayer implements FileLayer {
        private final FileLayer delegate;

        ForwardingFileLayer(FileLayer delegate) {
            this.delegate = delegate;
        }

        @Override
        public FileHandle open(Path file) throws IOException {
            return delegate.open(file);
        }

        @Override
        public boolean exists(Path file) throws IOException {
            return delegate.exists(file);
        }

        @Override
        public List<String> list(Path dir) throws IOException {
            return delegate.list(dir);
        }

        @Override
        public void createDirectories(Path dir) throws IOException {
            delegate.createDirectories(dir);
        }

        @Override
        public void rename(Path from, Path to) throws IOException {
            delegate.rename(from, to);
        }

        @Override
        public void delete(Path file) throws IOException {
            delegate.delete(file);
        }

        @Override
        public void syncDirectory(Path dir) throws IOException {
            delegate.syncDirectory(dir);
        }

        @Override
        public AutoCloseable lock(Path lockFile) throws IOException {
            return delegate.lock(lockFile);
        }
    }

    private static class ForwardingHandle implements FileHandle {
        private final FileHandle delegate;

        ForwardingHandle(FileHandle delegate) {
            this.delegate = delegate;
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return delegate.read(dst, position);
        }

        @Override
        public void write(ByteBuffer src, long position) throws IOException {
            delegate.write(src, position);
        }

        @Override
        public void force(boolean metadata) throws IOException {
            delegate.force(metadata);
        }

        @Override
        public long size() throws IOException {
            return delegate.size();
        }

        @Override
        public void truncate(long size) throws IOException {
            delegate.truncate(size);
        }

        @Override
        public void close() throws IOException {
            delegate.close();
        }
    }
}
