package io.kayak.storage;

import java.util.zip.CRC32C;

/** CRC32C of byte ranges; CRC32C because the JDK computes it with the CPU's dedicated instruction. */
final class Crc32c {
    private Crc32c() {
    }

    static int of(byte[] bytes, int from, int to) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, from, to - from);
        return (int) crc.getValue();
    }
}
