package io.kayak;

/**
 * Too many appends are pending on this member (by count or bytes, see {@link HostOptions}). Nothing was appended;
 * back off and retry. Kayak refuses rather than queueing without bound.
 */
public final class OverloadedException extends KayakException {
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}. */
    public OverloadedException(String message) {
        super(message);
    }
}
