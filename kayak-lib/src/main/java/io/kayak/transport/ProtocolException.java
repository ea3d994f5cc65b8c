package io.kayak.transport;

/**
 * A peer broke the wire protocol: bytes that are not a frame, a frame that is not valid in the connection's
 * state, or a message carrying values Raft can never produce. Thrown instead of passing doubtful input on, so
 * that bad input from the network never reaches the core (design guarantee 5); whoever catches it closes the
 * connection it came from.
 */
public final class ProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    public ProtocolException(String message) {
        super(message);
    }

    public ProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
