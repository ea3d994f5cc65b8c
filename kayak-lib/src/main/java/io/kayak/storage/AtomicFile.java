package io.kayak.storage;

import io.kayak.StorageCorruptedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A small file replaced atomically: the new content goes to a temporary name, is forced, renamed over the old one,
 * and the directory is forced so the rename itself survives a crash. A reader sees the old content or the new,
 * never a mix. Content is framed with a CRC32C so a damaged file is reported rather than misread.
 */
final class AtomicFile {
    static final String TEMP_SUFFIX = ".tmp";

    private AtomicFile() {
    }

    /** Durably replaces {@code target}'s content with {@code content}. */
    static void write(FileLayer fs, Path target, byte[] content) throws IOException {
        Path temp = target.resolveSibling(target.getFileName() + TEMP_SUFFIX);
        ByteBuffer framed = ByteBuffer.allocate(content.length + 4);
        framed.put(content).putInt(Crc32c.of(content, 0, content.length)).flip();
        try (FileHandle handle = fs.open(temp)) {
            handle.truncate(0);
            handle.write(framed, 0);
            handle.force(true);
        }
        fs.rename(temp, target);
        fs.syncDirectory(target.getParent());
    }

    /**
     * The content of {@code target}, or {@code null} when it does not exist.
     *
     * @throws StorageCorruptedException when its checksum does not match
     */
    static byte[] read(FileLayer fs, Path target) throws IOException {
        if (!fs.exists(target)) {
            return null;
        }
        try (FileHandle handle = fs.open(target)) {
            long size = handle.size();
            if (size < 4 || size > Integer.MAX_VALUE) {
                throw new StorageCorruptedException(target, 0, "expected a checksummed file, found " + size
                        + " bytes");
            }
            ByteBuffer bytes = ByteBuffer.allocate((int) size);
            handle.readFully(bytes, 0);
            byte[] content = new byte[(int) size - 4];
            bytes.get(0, content);
            int stored = bytes.getInt((int) size - 4);
            if (stored != Crc32c.of(content, 0, content.length)) {
                throw new StorageCorruptedException(target, size - 4, "checksum does not match the content");
            }
            return content;
        }
    }
}
