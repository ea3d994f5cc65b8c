package io.kayak.storage;

import io.kayak.core.LogStore;
import io.kayak.core.LogStoreContract;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write-ahead log against the shared contract on the real file system. A "crash" here is closing without a
 * sync and reopening (the page cache keeps the writes), so this checks real I/O, while the simulated-disk variant
 * checks the worst-case crash.
 */
class RealDiskWriteAheadLogContractTest extends LogStoreContract {
    @TempDir
    Path dataDir;
    private final Map<LogStore, DataDirectory> directories = new IdentityHashMap<>();

    @Override
    protected LogStore open() {
        DataDirectory directory = DataDirectory.open(dataDir, StorageOptions.defaults().withSegmentCapacity(1024)
                .withCacheBytes(300));
        directories.put(directory.log(), directory);
        return directory.log();
    }

    @Override
    protected LogStore crashAndReopen(LogStore store) {
        directories.remove(store).close();
        return open();
    }

    @Override
    protected void close(LogStore store) {
        DataDirectory directory = directories.remove(store);
        if (directory != null) {
            directory.close();
        }
    }
}
