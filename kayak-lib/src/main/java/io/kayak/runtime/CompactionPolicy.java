package io.kayak.runtime;

import io.kayak.HostOptions;

/**
 * When the log is compacted automatically and how much of it stays: more than {@code afterEntries} committed entries
 * or more than {@code afterBytes} bytes of records beyond the newest snapshot make a compaction due, and the log is
 * then compacted to {@code trailing} entries below the new snapshot's index. Measuring beyond the snapshot (not the
 * log's first index) keeps the trailing window out of the count, so the window never triggers compactions itself.
 *
 * @param afterEntries committed entries beyond the snapshot that make a compaction due
 * @param afterBytes   bytes of log records beyond the snapshot that make a compaction due
 * @param trailing     entries kept in the log below a new snapshot's index
 */
record CompactionPolicy(long afterEntries, long afterBytes, long trailing) {
    static CompactionPolicy of(HostOptions options) {
        return new CompactionPolicy(options.compactAfterEntries(), options.compactAfterBytes(),
                options.compactTrailingEntries());
    }

    /**
     * The committed index at which the entry threshold is passed, beyond the snapshot at {@code snapshotIndex}
     * ({@link Long#MAX_VALUE} when the threshold is too large to be reached).
     */
    long entryTrigger(long snapshotIndex) {
        return afterEntries >= Long.MAX_VALUE - 1 - snapshotIndex ? Long.MAX_VALUE : snapshotIndex + afterEntries + 1;
    }

    /** Whether the log beyond the snapshot at {@code snapshotIndex} has outgrown a threshold. */
    boolean due(long snapshotIndex, long committed, LogSizer sizer) {
        return committed - snapshotIndex > afterEntries || sizer.bytesAfter(snapshotIndex) > afterBytes;
    }
}
