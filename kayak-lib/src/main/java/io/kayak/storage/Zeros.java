package io.kayak.storage;

import java.io.IOException;
import java.nio.ByteBuffer;

/** Writes runs of zero bytes: preallocation of segments and wiping of cut tails. */
final class Zeros {
    private static final ByteBuffer CHUNK = ByteBuffer.allocateDirect(1 << 20);

    private Zeros() {
    }

    static void write(FileHandle handle, long from, long length) throws IOException {
        long done = 0;
        while (done < length) {
            ByteBuffer chunk = CHUNK.duplicate();
            chunk.limit((int) Math.min(chunk.capacity(), length - done));
            handle.write(chunk, from + done);
            done += chunk.limit();
        }
    }
}
