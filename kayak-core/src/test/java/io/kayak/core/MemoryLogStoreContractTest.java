package io.kayak.core;

/**
 * The in-memory store keeps the contract as long as it is not crashed: "crashing" it keeps everything, which the
 * contract allows (a crash may keep any prefix of unsynced writes, here all of them).
 */
class MemoryLogStoreContractTest extends LogStoreContract {
    @Override
    protected LogStore open() {
        return new MemoryLogStore();
    }

    @Override
    protected LogStore crashAndReopen(LogStore store) {
        return store;
    }
}
