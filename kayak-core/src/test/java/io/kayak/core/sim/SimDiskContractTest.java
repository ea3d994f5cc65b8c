package io.kayak.core.sim;

import io.kayak.core.LogStore;
import io.kayak.core.LogStoreContract;

import java.util.Random;

/** The simulator's disk keeps the same durability contract as the real write-ahead log. */
class SimDiskContractTest extends LogStoreContract {
    private final Random random = new Random(42);

    @Override
    protected LogStore open() {
        return new SimDisk();
    }

    @Override
    protected LogStore crashAndReopen(LogStore store) {
        ((SimDisk) store).crash(random);
        return store;
    }
}
