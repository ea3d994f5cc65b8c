package io.kayak;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@link Kayak#join} found no member to admit the new one. Either a member refused it (it was configured for a
 * cluster of another name), or none of the addresses it was given admitted it before
 * {@link HostOptions#joinTimeout()}: each address was asked in turn, round after round, and the message lists, per
 * address, the last reason it did not, e.g. {@code "127.0.0.1:7001: connection refused; 127.0.0.1:7002: TLS
 * handshake refused: certificate not trusted by that member's CA (certificate_unknown)"}. The host that was to join
 * has been stopped; its data directory may be used again.
 */
public final class JoinException extends KayakException {
    private static final long serialVersionUID = 1L;

    private final Map<String, String> reasons;

    /**
     * @param summary what happened, e.g. {@code "could not join within PT30S"}
     * @param reasons the last reason per address asked, in the order they were first asked
     */
    public JoinException(String summary, Map<String, String> reasons) {
        super(reasons.isEmpty() ? summary : summary + ": " + reasons.entrySet().stream()
                .map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining("; ")));
        this.reasons = Collections.unmodifiableMap(new LinkedHashMap<>(reasons));
    }

    /** The last reason each address gave (or that reaching it failed for), in the order they were first asked. */
    public Map<String, String> reasons() {
        return reasons;
    }
}
