package io.kayak.storage;

/**
 * The layout of a snapshot file, big-endian:
 * <pre>
 * header  [magic u32][version u32][last index u64][last term u64][config length u32][config][crc32c u32]
 * events  [length u32][crc32c u32][bytes]  ... repeated
 * trailer [0xFFFFFFFF][event count u64][crc32c of the count u32]
 * </pre>
 * The header CRC covers everything before it. Each event has its own CRC, so a reader streams events without
 * holding the snapshot in memory and still never hands out a damaged one. The trailer proves the file is complete.
 *
 * <p>Version 2: the first event is the library's own section (the replicated session table as of the last index);
 * the application's events follow it. Storage does not look inside events; the runtime writes and skips the
 * section. Version 1 files (no such section) are refused.
 */
final class SnapshotFormat {
    static final int MAGIC = 0x4B59534E; // "KYSN"
    static final int VERSION = 2;
    static final int END_MARKER = 0xFFFFFFFF;
    static final String SUFFIX = ".snap";
    static final String PARTIAL_SUFFIX = ".partial";

    private SnapshotFormat() {
    }

    static String fileName(long lastIndex) {
        return String.format("%020d%s", lastIndex, SUFFIX);
    }
}
