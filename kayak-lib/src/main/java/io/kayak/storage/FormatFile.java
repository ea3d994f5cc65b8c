package io.kayak.storage;

import io.kayak.UnsupportedFormatException;
import io.kayak.StorageCorruptedException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The {@code dataDir/format} file, {@code kayak-storage <version>}: written when a data directory is created and
 * checked on every open, so that a directory written by a newer, incompatible Kayak is refused instead of misread.
 */
final class FormatFile {
    static final String NAME = "format";
    static final int CURRENT_VERSION = 1;
    private static final String PREFIX = "kayak-storage ";

    private FormatFile() {
    }

    /** Checks the version of an existing directory, or stamps a new one with the current version. */
    static void checkOrCreate(FileLayer fs, Path dataDir) throws IOException {
        Path file = dataDir.resolve(NAME);
        byte[] content = AtomicFile.read(fs, file);
        if (content == null) {
            AtomicFile.write(fs, file, (PREFIX + CURRENT_VERSION + "\n").getBytes(StandardCharsets.UTF_8));
            return;
        }
        String text = new String(content, StandardCharsets.UTF_8).trim();
        if (!text.startsWith(PREFIX)) {
            throw new StorageCorruptedException(file, 0, "expected '" + PREFIX + "<version>', found '" + text + "'");
        }
        int version;
        try {
            version = Integer.parseInt(text.substring(PREFIX.length()));
        } catch (NumberFormatException e) {
            throw new StorageCorruptedException(file, PREFIX.length(), "expected a version number, found '"
                    + text.substring(PREFIX.length()) + "'");
        }
        if (version != CURRENT_VERSION) {
            throw new UnsupportedFormatException(file, PREFIX.length(), version, CURRENT_VERSION);
        }
    }
}
