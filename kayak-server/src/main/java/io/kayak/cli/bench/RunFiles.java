package io.kayak.cli.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;

/**
 * The shared folder through which the benchmark coordinator and its replica processes talk: small text files,
 * written atomically so that a reader never sees half a file.
 */
public final class RunFiles {
    private final Path dir;

    public RunFiles(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Path file(String name) {
        return dir.resolve(name);
    }

    /** Replaces {@code name} with {@code content} in one rename. */
    public void write(String name, String content) {
        Path target = file(name);
        Path tmp = dir.resolve(name + ".tmp" + ProcessHandle.current().pid());
        try {
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Appends one line (a single small write, so concurrent readers see whole lines). */
    public void appendLine(String name, String line) {
        try {
            Files.writeString(file(name), line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates {@code name} if nobody has yet: true for exactly one caller, across processes. */
    public boolean claim(String name) {
        try {
            Files.createFile(file(name));
            return true;
        } catch (FileAlreadyExistsException taken) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean exists(String name) {
        return Files.exists(file(name));
    }

    /** The trimmed content of {@code name}, or empty when it does not exist (yet). */
    public Optional<String> read(String name) {
        try {
            return Optional.of(Files.readString(file(name), StandardCharsets.UTF_8).trim());
        } catch (java.nio.file.NoSuchFileException absent) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Wall-clock time in microseconds since the epoch; comparable between processes of one machine. */
    public static long epochMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
