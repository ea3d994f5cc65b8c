package io.kayak.server;

/**
 * Request size limits, the same over HTTP and RESP.
 *
 * @param maxKeyBytes   longest key accepted
 * @param maxValueBytes longest value accepted
 */
public record Limits(int maxKeyBytes, int maxValueBytes) {
    /** Keys up to 1 KiB, values up to 1 MiB. */
    public static final Limits DEFAULT = new Limits(1024, 1 << 20);

    void checkKey(Bytes key) {
        if (key.length() == 0) {
            throw new Failure(Failure.Kind.BAD_REQUEST, "empty key");
        }
        if (key.length() > maxKeyBytes) {
            throw new Failure(Failure.Kind.TOO_LARGE, "key of " + key.length() + " bytes exceeds the limit of "
                    + maxKeyBytes);
        }
    }

    void checkValue(Bytes value) {
        if (value.length() > maxValueBytes) {
            throw new Failure(Failure.Kind.TOO_LARGE, "value of " + value.length() + " bytes exceeds the limit of "
                    + maxValueBytes);
        }
    }
}
