package io.kayak.storage;

import io.kayak.core.LogStore;
import io.kayak.core.LogStoreContract;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.Map;

/** The write-ahead log against the shared contract, on a simulated disk whose crashes lose everything unsynced. */
class SimulatedDiskWriteAheadLogContractTest extends LogStoreContract {
    private final FaultyFileSystem fs = new FaultyFileSystem();
    private final Path dataDir = Path.of("/data");
    private final StorageOptions options = StorageOptions.defaults().withFileLayer(fs).withPreallocationExecutor(Runnable::run).withSegmentCapacity(512)
            .withCacheBytes(256);
    private final Map<LogStore, DataDirectory> directories = new IdentityHashMap<>();

    @Override
    protected LogStore open() {
        DataDirectory directory = DataDirectory.open(dataDir, options);
        directories.put(directory.log(), directory);
        return directory.log();
    }

    @Override
    protected LogStore crashAndReopen(LogStore store) {
        directories.remove(store);
        fs.crash();
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
