package io.kayak.runtime;

import java.net.InetSocketAddress;

/**
 * The peer address a member advertises (in its configuration entry when it seeds a cluster, in its JOIN request,
 * in redirects): {@link io.kayak.HostOptions#advertise()}, except that port 0 there (as in the default, the listen
 * address, when listening on port 0) stands for the port actually bound. The host part is kept as configured, so a
 * host name stays a name.
 */
final class AdvertisedAddress {
    private AdvertisedAddress() {
    }

    /**
     * {@code advertise} with its port replaced by {@code bound}'s when that port is 0; {@code advertise} unchanged
     * when it names another port, is no {@code host:port} (an in-process network's address), or nothing was bound.
     */
    static String of(String advertise, InetSocketAddress bound) {
        int colon = advertise.lastIndexOf(':');
        if (bound == null || colon < 0 || !isZero(advertise.substring(colon + 1))) {
            return advertise;
        }
        return advertise.substring(0, colon + 1) + bound.getPort();
    }

    /** {@code host:port} of a bound socket, an IPv6 host in brackets so that the last colon still separates the port. */
    static String format(InetSocketAddress bound) {
        String host = bound.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + bound.getPort();
    }

    private static boolean isZero(String port) {
        return !port.isEmpty() && port.chars().allMatch(c -> c == '0');
    }
}
