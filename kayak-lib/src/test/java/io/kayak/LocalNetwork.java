package io.kayak;

import io.kayak.transport.Rpc;
import io.kayak.core.Message;
import io.kayak.runtime.PeerNetwork;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An in-process {@link PeerNetwork} for tests: members find each other by address in a shared registry, and a test
 * can cut a member off (both directions) and heal it.
 */
public final class LocalNetwork {
    private final Map<String, PeerNetwork.Inbound> members = new ConcurrentHashMap<>();
    private final Set<String> isolated = ConcurrentHashMap.newKeySet();

    /** A network endpoint for the member that will advertise {@code address}. */
    public PeerNetwork endpoint(String address) {
        return new PeerNetwork() {
            @Override
            public void start(String clusterId, String selfId, Inbound inbound) {
                members.put(address, inbound);
            }

            @Override
            public void send(String to, Message message) {
                Inbound target = reachable(to);
                if (target != null) {
                    target.onMessage(message);
                }
            }

            @Override
            public void send(String to, Rpc rpc) {
                Inbound target = reachable(to);
                if (target != null) {
                    target.onRpc(rpc);
                }
            }

            private Inbound reachable(String to) {
                if (isolated.contains(address) || isolated.contains(to)) {
                    return null;
                }
                return members.get(to);
            }

            @Override
            public void close() {
                members.remove(address);
            }
        };
    }

    public void isolate(String address) {
        isolated.add(address);
    }

    public void heal(String address) {
        isolated.remove(address);
    }
}
