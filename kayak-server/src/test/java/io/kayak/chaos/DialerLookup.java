package io.kayak.chaos;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;

/**
 * Finds which local process dialled a loopback TCP connection, from {@code /proc} (Linux only).
 *
 * <p>Every member dials its peers' proxies from an ephemeral port, so a proxy cannot tell members apart by address.
 * The kernel can: the dialer's socket is the one whose local port is the accepted connection's remote port, and its
 * inode appears among the file descriptors of exactly one process.
 */
final class DialerLookup {
    private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));

    private DialerLookup() {
    }

    /** Whether this machine exposes the tables the lookup needs. */
    static boolean available() {
        return Files.isReadable(TABLES.get(0));
    }

    /**
     * The pid among {@code candidates} that owns the socket connected from local port {@code dialerPort} to port
     * {@code acceptorPort}, if any.
     */
    static OptionalLong dialer(int dialerPort, int acceptorPort, Collection<Long> candidates) {
        long inode = inode(dialerPort, acceptorPort);
        if (inode <= 0) {
            return OptionalLong.empty();
        }
        String link = "socket:[" + inode + "]";
        for (long pid : candidates) {
            if (owns(pid, link)) {
                return OptionalLong.of(pid);
            }
        }
        return OptionalLong.empty();
    }

    private static long inode(int localPort, int remotePort) {
        for (Path table : TABLES) {
            List<String> lines;
            try {
                lines = Files.readAllLines(table);
            } catch (IOException e) {
                continue;
            }
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
                String[] f = line.trim().split("\\s+");
                if (f.length > 9 && port(f[1]) == localPort && port(f[2]) == remotePort) {
                    long inode = Long.parseLong(f[9]);
                    if (inode > 0) {
                        return inode;
                    }
                }
            }
        }
        return -1;
    }

    private static int port(String hexAddress) {
        int colon = hexAddress.lastIndexOf(':');
        return colon < 0 ? -1 : Integer.parseInt(hexAddress.substring(colon + 1), 16);
    }

    private static boolean owns(long pid, String link) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds) {
                try {
                    if (link.equals(Files.readSymbolicLink(fd).toString())) {
                        return true;
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor went away while we looked: not the one we want
                }
            }
        } catch (IOException | SecurityException goneOrForbidden) {
            return false;
        }
        return false;
    }
}
