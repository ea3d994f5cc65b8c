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
 * Which member a data directory belongs to ({@code dataDir/member}), written when the member is created and
 * checked at every start, so a directory is never silently reused by another member; and, once known, the id of
 * the cluster it belongs to, so it is never silently reused in another cluster.
 *
 * <p>Format: {@code kayak-member-v1}, {@code id=...}, then optionally {@code cluster=...} and {@code removed=true}.
 * Files written before cluster ids existed have no third line and still read; readers that predate a line ignore
 * it.
 */
final class MemberIdentity {
    static final String FILE = "member";
    private static final String HEADER = "kayak-member-v1";
    private static final String CLUSTER = "cluster=";
    private static final String REMOVED = "removed=true";

    /**
     * A stored identity; {@code clusterId} is {@code null} until the member has seeded or joined a cluster, and
     * {@code removed} says that a committed configuration no longer lists the member.
     */
    record Stored(String id, String clusterId, boolean removed) {
    }

    private MemberIdentity() {
    }

    /** The stored identity, if the directory has one. */
    static Optional<Stored> read(Path dataDir) {
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
            String cluster = null;
            if (lines.length >= 3 && lines[2].startsWith(CLUSTER) && lines[2].length() > CLUSTER.length()) {
                cluster = lines[2].substring(CLUSTER.length());
            } else if (lines.length >= 3 && !lines[2].isEmpty()) {
                throw new KayakException("unreadable member identity in " + file + ": third line must be '"
                        + CLUSTER + "...'");
            }
            boolean removed = lines.length >= 4 && lines[3].equals(REMOVED);
            return Optional.of(new Stored(lines[1].substring(3), cluster, removed));
        } catch (IOException e) {
            throw new KayakException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Records {@code id} and {@code clusterId} ({@code null} if not known yet) durably: temp file, fsync,
     * rename, fsync of the directory.
     */
    static void write(Path dataDir, String id, String clusterId) {
        write(dataDir, id, clusterId, false);
    }

    /** Like {@link #write(Path, String, String)}, recording whether the member was removed from its cluster. */
    static void write(Path dataDir, String id, String clusterId, boolean removed) {
        Path file = dataDir.resolve(FILE);
        Path temp = dataDir.resolve(FILE + ".tmp");
        String text = HEADER + "\nid=" + id + "\n" + (clusterId == null ? "" : CLUSTER + clusterId + "\n")
                + (removed && clusterId != null ? REMOVED + "\n" : "");
        byte[] content = text.getBytes(StandardCharsets.UTF_8);
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
