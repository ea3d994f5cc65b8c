package io.kayak;

/** Base type of every exception Kayak's API throws or completes a future with. */
public class KayakException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}. */
    public KayakException(String message) {
        super(message);
    }

    /** An exception with {@code message}, caused by {@code cause}. */
    public KayakException(String message, Throwable cause) {
        super(message, cause);
    }
}
