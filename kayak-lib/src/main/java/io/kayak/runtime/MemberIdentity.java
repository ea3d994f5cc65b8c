package io.kayak.runtime;

import io.kayak.KayakException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Which member a data directory belongs to ({@code dataDir/member}), written once when the member is created and
 * checked at every start, so a directory is never silently reused by another member.
 */
final class MemberIdentity {
    static final String FILE = "member";
    private static final String HEADER = "kayak-member-v1";

    private MemberIdentity() {
    }

    /** The stored member id, if the directory has one. */
    static Optional<String> read(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            String[] lines = Files.readString(file, StandardCharsets.UTF_8).split("\n");
            if (lines.length < 2 || !lines[0].equals(HEADER) || !lines[1].startsWith("id=")
                    || lines[1].length() == 3) {
                throw new KayakException("unreadable member identity in " + file + ": expected '" + HEADER
                        + "' then 'id=...'");
            }
            return Optional.of(lines[1].substring(3));
        } catch (IOException e) {
            throw new KayakException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Records {@code id} durably: temp file, fsync, rename, fsync of the directory. */
    static void write(Path dataDir, String id) {
        Path file = dataDir.resolve(FILE);
        Path temp = dataDir.resolve(FILE + ".tmp");
        byte[] content = (HEADER + "\nid=" + id + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            Files.createDirectories(dataDir);
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            try (FileChannel dir = FileChannel.open(dataDir, StandardOpenOption.READ)) {
                dir.force(true);
            }
        } catch (IOException e) {
            throw new KayakException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
