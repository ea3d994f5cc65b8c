package io.kayak.chaos;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The simulated network between members: which ordered member pairs are cut and how much delay each member's
 * inbound peer traffic suffers. The {@link PartitionProxy proxies} consult it for every connection and every chunk
 * they forward, and it tells them to drop connections that a new rule forbids.
 */
final class Network {
    /**
     * An ordered pair: traffic that {@code from} sends to {@code to}.
     *
     * @param from the dialing member
     * @param to   the member behind the proxy
     */
    record Link(String from, String to) {
    }

    private final Set<Link> cut = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> delayMillis = new ConcurrentHashMap<>();
    private final List<PartitionProxy> proxies = new CopyOnWriteArrayList<>();

    void register(PartitionProxy proxy) {
        proxies.add(proxy);
    }

    void unregister(PartitionProxy proxy) {
        proxies.remove(proxy);
    }

    /**
     * Whether {@code from} may talk to {@code to}. An unidentified dialer ({@code null}) may only reach a member that
     * no rule mentions: when in doubt, a partition stays a partition.
     */
    boolean allows(String from, String to) {
        if (from == null) {
            return cut.stream().noneMatch(l -> l.to().equals(to) || l.from().equals(to));
        }
        return !cut.contains(new Link(from, to));
    }

    long delayMillis(String to) {
        return delayMillis.getOrDefault(to, 0L);
    }

    /** Cuts every link between the two sides, both directions. */
    void partition(Collection<String> sideA, Collection<String> sideB) {
        for (String a : sideA) {
            for (String b : sideB) {
                if (!a.equals(b)) {
                    cut.add(new Link(a, b));
                    cut.add(new Link(b, a));
                }
            }
        }
        enforce();
    }

    /** Delays every chunk that reaches {@code member} through its proxy. */
    void delay(String member, long millis) {
        delayMillis.put(member, millis);
    }

    /** Removes every rule. */
    void heal() {
        cut.clear();
        delayMillis.clear();
    }

    /** The current cuts, for the log. */
    List<Link> cuts() {
        return new ArrayList<>(cut);
    }

    private void enforce() {
        for (PartitionProxy proxy : proxies) {
            proxy.dropForbidden();
        }
    }
}
