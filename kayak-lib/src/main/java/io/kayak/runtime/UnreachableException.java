package io.kayak.runtime;

import io.kayak.KayakException;

/**
 * A request never reached the address it was sent to: the network could not connect there and says why
 * ({@link PeerNetwork.Inbound#onUndelivered}). Completes the request's future at once, instead of its deadline.
 */
final class UnreachableException extends KayakException {
    private static final long serialVersionUID = 1L;

    private final String address;
    private final String reason;

    UnreachableException(String address, String reason) {
        super(address + ": " + reason);
        this.address = address;
        this.reason = reason;
    }

    /** The address that could not be reached. */
    String address() {
        return address;
    }

    /** Why, for a person: {@code "connection refused"}, {@code "TLS handshake refused: ..."}. */
    String reason() {
        return reason;
    }
}
