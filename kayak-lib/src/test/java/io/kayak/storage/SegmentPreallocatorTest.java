package io.kayak.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Closing a log does not wait for the next segment's preparation: one not started never runs, one under way stops
 * after the step it is writing and deletes its file, and nothing of it runs once closing has returned.
 */
class SegmentPreallocatorTest {
    private static final Path DATA = Path.of("/data");
    private static final Path LOG_DIR = DATA.resolve("log");
    private static final int CAPACITY = 4 << 20;

    private final FaultyFileSystem fs = new FaultyFileSystem();

    @Test
    void closingALogCancelsAPreparationThatHasNotStartedAndItNeverRuns() throws Exception {
        List<Runnable> queued = new ArrayList<>();
        DataDirectory directory = DataDirectory.open(DATA, StorageOptions.defaults().withFileLayer(fs)
                .withSegmentCapacity(CAPACITY).withPreallocationExecutor(queued::add));
        assertThat(queued).hasSize(1);
        // The preparation is queued behind whatever the shared thread is busy with: closing does not wait for it.
        directory.close();
        queued.get(0).run();
        assertThat(fs.exists(LOG_DIR.resolve("next" + SegmentPreallocator.SUFFIX))).isFalse();
        // The directory is free again, and its next log prepares afresh.
        List<Runnable> again = new ArrayList<>();
        DataDirectory.open(DATA, StorageOptions.defaults().withFileLayer(fs).withSegmentCapacity(CAPACITY)
                .withPreallocationExecutor(again::add)).close();
        assertThat(again).hasSize(1);
    }

    @Test
    void cancellingAPreparationUnderWayWaitsForTheStepItIsWritingOnlyAndDeletesItsFile() throws Exception {
        fs.createDirectories(LOG_DIR);
        CountDownLatch forcing = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        AtomicInteger forces = new AtomicInteger();
        FileLayer layer = new HeldFirstForce(fs, forcing, resume, forces);
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            SegmentPreallocator preallocator = new SegmentPreallocator(layer, LOG_DIR, CAPACITY, thread);
            preallocator.prepare();
            assertThat(forcing.await(10, TimeUnit.SECONDS)).isTrue(); // its first step is written, being forced

            CompletableFuture<Void> cancelled = CompletableFuture.runAsync(preallocator::cancel);
            await().atMost(Duration.ofSeconds(10)).until(preallocator::cancelling);
            assertThat(cancelled).isNotDone(); // it waits for the step in flight...
            resume.countDown();
            cancelled.get(10, TimeUnit.SECONDS); // ...and no longer

            assertThat(forces.get()).isEqualTo(1); // no step after the one in flight
            assertThat(fs.exists(preallocator.file())).isFalse();
        } finally {
            resume.countDown();
            thread.shutdownNow();
        }
    }

    /** A file layer whose first force of a preparation's file signals {@code forcing} and waits for {@code resume}. */
    private static final class HeldFirstForce implements FileLayer {
        private final FileLayer fs;
        private final CountDownLatch forcing;
        private final CountDownLatch resume;
        private final AtomicInteger forces;

        HeldFirstForce(FileLayer fs, CountDownLatch forcing, CountDownLatch resume, AtomicInteger forces) {
            this.fs = fs;
            this.forcing = forcing;
            this.resume = resume;
            this.forces = forces;
        }

        @Override
        public FileHandle open(Path file) throws IOException {
            FileHandle handle = fs.open(file);
            if (!file.getFileName().toString().endsWith(SegmentPreallocator.SUFFIX)) {
                return handle;
            }
            return new FileHandle() {
                @Override
                public int read(ByteBuffer dst, long position) throws IOException {
                    return handle.read(dst, position);
                }

                @Override
                public void write(ByteBuffer src, long position) throws IOException {
                    handle.write(src, position);
                }

                @Override
                public void force(boolean metadata) throws IOException {
                    if (forces.incrementAndGet() == 1) {
                        forcing.countDown();
                        try {
                            resume.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    handle.force(metadata);
                }

                @Override
                public long size() throws IOException {
                    return handle.size();
                }

                @Override
                public void truncate(long size) throws IOException {
                    handle.truncate(size);
                }

                @Override
                public void close() throws IOException {
                    handle.close();
                }
            };
        }

        @Override
        public boolean exists(Path file) throws IOException {
            return fs.exists(file);
        }

        @Override
        public List<String> list(Path dir) throws IOException {
            return fs.list(dir);
        }

        @Override
        public void createDirectories(Path dir) throws IOException {
            fs.createDirectories(dir);
        }

        @Override
        public void rename(Path from, Path to) throws IOException {
            fs.rename(from, to);
        }

        @Override
        public void delete(Path file) throws IOException {
            fs.delete(file);
        }

        @Override
        public void syncDirectory(Path dir) throws IOException {
            fs.syncDirectory(dir);
        }

        @Override
        public AutoCloseable lock(Path lockFile) throws IOException {
            return fs.lock(lockFile);
        }
    }
}
