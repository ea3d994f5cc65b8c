package io.kayak.cli;

/** A command failed in a way the user should read: printed without a stack trace, with its exit code. */
public final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public CliException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public CliException(String message) {
        this(message, 1);
    }

    public int exitCode() {
        return exitCode;
    }
}
