package io.kayak.storage;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * An open file with positional reads and writes. Writes become durable only after {@link #force}.
 * Safe for concurrent use by several threads (as {@link java.nio.channels.FileChannel} is).
 */
public interface FileHandle extends AutoCloseable {
    /** Reads into {@code dst} from {@code position}; returns the bytes read, or -1 at the end of the file. */
    int read(ByteBuffer dst, long position) throws IOException;

    /** Writes all remaining bytes of {@code src} at {@code position}. */
    void write(ByteBuffer src, long position) throws IOException;

    /**
     * Makes every write that completed before this call durable; {@code metadata} also forces metadata not needed
     * to read the data back (e.g. modification time), as {@link java.nio.channels.FileChannel#force} does.
     */
    void force(boolean metadata) throws IOException;

    /** The current size of the file. */
    long size() throws IOException;

    /** Cuts the file to {@code size} bytes. */
    void truncate(long size) throws IOException;

    @Override
    void close() throws IOException;

    /** Reads exactly {@code dst.remaining()} bytes from {@code position}, or fewer only at the end of the file. */
    default int readFully(ByteBuffer dst, long position) throws IOException {
        int total = 0;
        while (dst.hasRemaining()) {
            int n = read(dst, position + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }
}
