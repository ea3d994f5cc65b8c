package io.kayak.cli;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The two lines {@code kayak server} prints on stdout for whoever started it (its log lines go to stderr), so that
 * a script or a test can start it on port 0 and learn the ports it bound:
 *
 * <pre>
 * kayak server listening: listen=127.0.0.1:41234
 * kayak server ready: id=a peers=127.0.0.1:41234 listen=127.0.0.1:41234 http=127.0.0.1:41235 resp=127.0.0.1:41236 resumed=false
 * </pre>
 *
 * <p>The listening line comes as soon as the peer port is bound, before the member joins its cluster (a proxy in
 * front of it needs the port by then); the ready line once it serves clients. After the colon come
 * {@code key=value} fields separated by single spaces; values hold no spaces, and IPv6 hosts are in brackets.
 * {@code peers} is the address the other members dial ({@code --advertise}, else the listen address with the bound
 * port), {@code listen} the peer address bound, {@code resp} is absent without {@code --resp}, and {@code resumed}
 * tells whether the member resumed from its data directory. Readers ignore fields they do not know.
 */
public final class ServerLines {
    private static final String LISTENING = "kayak server listening: ";
    private static final String READY = "kayak server ready: ";

    private ServerLines() {
    }

    /**
     * What a ready line says.
     *
     * @param id      the member id
     * @param peers   the peer address the other members dial
     * @param listen  the peer address bound
     * @param http    the HTTP address bound
     * @param resp    the RESP address bound, or null when RESP is off
     * @param resumed whether the member resumed from its data directory
     */
    public record Ready(String id, HostPort peers, HostPort listen, HostPort http, HostPort resp, boolean resumed) {
    }

    /** The listening line for a peer port bound at {@code listen}. */
    public static String listening(InetSocketAddress listen) {
        return LISTENING + "listen=" + format(listen);
    }

    /** The ready line; {@code resp} is null when RESP is off. */
    public static String ready(String id, String peers, InetSocketAddress listen, InetSocketAddress http,
                               InetSocketAddress resp, boolean resumed) {
        return READY + "id=" + id + " peers=" + peers + " listen=" + format(listen) + " http=" + format(http)
                + (resp == null ? "" : " resp=" + format(resp)) + " resumed=" + resumed;
    }

    /** The bound peer address a listening line names; empty for any other line. */
    public static Optional<HostPort> parseListening(String line) {
        return fields(line, LISTENING).map(f -> HostPort.parse(required(f, "listen", line)));
    }

    /** What a ready line says; empty for any other line. */
    public static Optional<Ready> parseReady(String line) {
        return fields(line, READY).map(f -> new Ready(required(f, "id", line),
                HostPort.parse(required(f, "peers", line)), HostPort.parse(required(f, "listen", line)),
                HostPort.parse(required(f, "http", line)), f.containsKey("resp") ? HostPort.parse(f.get("resp")) : null,
                Boolean.parseBoolean(f.get("resumed"))));
    }

    private static Optional<Map<String, String>> fields(String line, String prefix) {
        if (!line.startsWith(prefix)) {
            return Optional.empty();
        }
        Map<String, String> fields = new HashMap<>();
        for (String field : line.substring(prefix.length()).trim().split(" +")) {
            int eq = field.indexOf('=');
            if (eq > 0) {
                fields.put(field.substring(0, eq), field.substring(eq + 1));
            }
        }
        return Optional.of(fields);
    }

    private static String required(Map<String, String> fields, String key, String line) {
        String value = fields.get(key);
        if (value == null) {
            throw new IllegalArgumentException("no " + key + "= in '" + line + "'");
        }
        return value;
    }

    /** {@code host:port}, an IPv6 host in brackets so that the last colon still separates the port. */
    static String format(InetSocketAddress a) {
        String host = a.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
