package io.kayak.storage;

import io.kayak.UnsupportedFormatException;
import io.kayak.StorageCorruptedException;
import io.kayak.StorageException;
import io.kayak.core.ConfigurationCodec;
import io.kayak.core.IndexedConfiguration;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * What the log still knows about the entries compaction deleted: the last deleted index and its term (so that
 * {@code term(firstIndex() - 1)} keeps working) and the newest configuration at or below it (so that
 * {@code configurationBefore} keeps working). Persisted in {@code dataDir/log/base}, replaced atomically before any
 * segment is deleted.
 *
 * @param index         the last compacted index; the log starts at {@code index + 1}
 * @param term          the term of {@code index} (0 for index 0)
 * @param configuration the newest configuration at or below {@code index}, or null when there was none
 */
record LogBase(long index, long term, IndexedConfiguration configuration) {
    static final LogBase EMPTY = new LogBase(0, 0, null);
    static final String FILE_NAME = "base";
    private static final int VERSION = 1;

    void write(FileLayer fs, Path file) throws IOException {
        byte[] config = configuration == null ? new byte[0]
                : ConfigurationCodec.encode(configuration.configuration());
        ByteBuffer out = ByteBuffer.allocate(1 + 8 + 8 + 8 + 4 + config.length);
        out.put((byte) VERSION).putLong(index).putLong(term);
        out.putLong(configuration == null ? -1 : configuration.index());
        out.putInt(config.length).put(config);
        AtomicFile.write(fs, file, out.array());
    }

    static LogBase read(FileLayer fs, Path file) throws IOException {
        byte[] content = AtomicFile.read(fs, file);
        if (content == null) {
            return EMPTY;
        }
        ByteBuffer in = ByteBuffer.wrap(content);
        try {
            int version = in.get() & 0xff;
            if (version != VERSION) {
                throw new UnsupportedFormatException(file, 0, version, VERSION);
            }
            long index = in.getLong();
            long term = in.getLong();
            long configIndex = in.getLong();
            byte[] config = new byte[in.getInt()];
            in.get(config);
            IndexedConfiguration configuration = configIndex < 0 ? null
                    : new IndexedConfiguration(configIndex, ConfigurationCodec.decode(config));
            return new LogBase(index, term, configuration);
        } catch (RuntimeException e) {
            if (e instanceof StorageException) {
                throw e;
            }
            throw new StorageCorruptedException(file, in.position(), "expected the log base: " + e);
        }
    }
}
