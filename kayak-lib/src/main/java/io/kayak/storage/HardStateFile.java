package io.kayak.storage;

import io.kayak.UnsupportedFormatException;
import io.kayak.StorageCorruptedException;
import io.kayak.StorageException;
import io.kayak.core.HardState;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The hard state file {@code dataDir/meta}: {@code [version u8][term u64][commit u64][vote length i32, -1 for
 * none][vote UTF-8]} plus the CRC32C frame of {@link AtomicFile}, which replaces it atomically.
 */
final class HardStateFile {
    private static final int VERSION = 1;

    private HardStateFile() {
    }

    static void write(FileLayer fs, Path file, HardState state) throws IOException {
        byte[] vote = state.votedFor() == null ? null : state.votedFor().getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(1 + 8 + 8 + 4 + (vote == null ? 0 : vote.length));
        out.put((byte) VERSION).putLong(state.term()).putLong(state.commit());
        out.putInt(vote == null ? -1 : vote.length);
        if (vote != null) {
            out.put(vote);
        }
        AtomicFile.write(fs, file, out.array());
    }

    /** The saved hard state, or {@link HardState#INITIAL} when none was ever saved. */
    static HardState read(FileLayer fs, Path file) throws IOException {
        byte[] content = AtomicFile.read(fs, file);
        if (content == null) {
            return HardState.INITIAL;
        }
        ByteBuffer in = ByteBuffer.wrap(content);
        try {
            int version = in.get() & 0xff;
            if (version != VERSION) {
                throw new UnsupportedFormatException(file, 0, version, VERSION);
            }
            long term = in.getLong();
            long commit = in.getLong();
            int voteLength = in.getInt();
            String vote = null;
            if (voteLength >= 0) {
                byte[] bytes = new byte[voteLength];
                in.get(bytes);
                vote = new String(bytes, StandardCharsets.UTF_8);
            }
            if (in.hasRemaining()) {
                throw new StorageCorruptedException(file, in.position(), "expected the end of the hard state");
            }
            return new HardState(term, vote, commit);
        } catch (RuntimeException e) {
            if (e instanceof StorageException) {
                throw e;
            }
            throw new StorageCorruptedException(file, in.position(), "expected a hard state: " + e);
        }
    }
}
