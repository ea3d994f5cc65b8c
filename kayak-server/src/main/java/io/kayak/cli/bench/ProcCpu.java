package io.kayak.cli.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** User plus system CPU time of processes, from {@code /proc/<pid>/stat} (Linux). */
public final class ProcCpu {
    /** USER_HZ, the unit of the stat file's times; 100 on every Linux this runs on ({@code getconf CLK_TCK}). */
    public static final int TICKS_PER_SECOND = 100;

    private ProcCpu() {
    }

    /** utime + stime of each pid in clock ticks, or null when any of them cannot be read (not Linux, exited). */
    public static long[] ticks(List<Long> pids) {
        long[] ticks = new long[pids.size()];
        try {
            for (int i = 0; i < ticks.length; i++) {
                String stat = read(Path.of("/proc", pids.get(i).toString(), "stat"));
                // The command name in parentheses may hold spaces: fields are counted after the last ')'.
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks[i] = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // proc(5) fields 14 and 15
            }
            return ticks;
        } catch (IOException | RuntimeException unavailable) {
            return null;
        }
    }

    /**
     * Reads a /proc file to its end. Files.readString trusts the reported size, which is 0 or a guess for /proc
     * files, and can return a truncated text.
     */
    static String read(Path procFile) throws IOException {
        try (InputStream in = Files.newInputStream(procFile)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
