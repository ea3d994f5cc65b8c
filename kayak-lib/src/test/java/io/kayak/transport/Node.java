package io.kayak.transport;

import io.kayak.core.Message;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/** A started transport on an ephemeral loopback port that records everything it receives, messages and rpcs. */
final class Node implements AutoCloseable {
    /** What {@link MessageHandler#onUndelivered} reported. */
    record Undelivered(InetSocketAddress address, List<Long> requestIds, String reason) {
    }

    final String id;
    final NettyTransport transport;
    final InetSocketAddress address;
    private final List<Message> received = new ArrayList<>();
    private final List<Rpc> receivedRpcs = new ArrayList<>();
    private final List<SnapshotFrame> receivedSnapshotFrames = new ArrayList<>();
    private final List<Undelivered> undelivered = new ArrayList<>();

    private Node(String cluster, String id, InetSocketAddress listen, UnaryOperator<TransportOptions.Builder> tweak)
            throws IOException {
        this.id = id;
        this.transport = new NettyTransport(tweak.apply(TransportOptions.builder(cluster, id)
                .reconnectBackoff(java.time.Duration.ofMillis(20), java.time.Duration.ofMillis(200))).build(),
                new MessageHandler() {
                    @Override
                    public void onMessage(Message message) {
                        record(message);
                    }

                    @Override
                    public void onRpc(Rpc rpc) {
                        recordRpc(rpc);
                    }

                    @Override
                    public void onSnapshot(SnapshotFrame frame) {
                        recordSnapshotFrame(frame);
                    }

                    @Override
                    public void onUndelivered(InetSocketAddress to, List<Long> requestIds, String reason) {
                        recordUndelivered(new Undelivered(to, requestIds, reason));
                    }
                });
        try {
            this.address = transport.start(listen);
        } catch (IOException | RuntimeException e) {
            transport.close();
            throw e;
        }
    }

    static Node start(String cluster, String id) throws IOException {
        return start(cluster, id, b -> b);
    }

    static Node start(String cluster, String id, UnaryOperator<TransportOptions.Builder> tweak) throws IOException {
        return new Node(cluster, id, new InetSocketAddress("127.0.0.1", 0), tweak);
    }

    /** A node listening on exactly {@code listen}, e.g. a restarted member on its old port. */
    static Node startOn(String cluster, String id, InetSocketAddress listen) throws IOException {
        return new Node(cluster, id, listen, b -> b);
    }

    /** A handler for transports that a test feeds Raft messages only; it fails the test on any rpc. */
    static MessageHandler messagesOnly(Consumer<Message> onMessage) {
        return new MessageHandler() {
            @Override
            public void onMessage(Message message) {
                onMessage.accept(message);
            }

            @Override
            public void onRpc(Rpc rpc) {
                throw new AssertionError("unexpected rpc " + rpc);
            }

            @Override
            public void onSnapshot(SnapshotFrame frame) {
                throw new AssertionError("unexpected snapshot frame " + frame);
            }
        };
    }

    void send(Node to, Message message) {
        transport.send(to.id, to.address, message);
    }

    /** Sends {@code rpc} to whoever listens at {@code to}'s address, without naming {@code to}. */
    void send(Node to, Rpc rpc) {
        transport.send(to.address, rpc);
    }

    void send(Node to, SnapshotFrame frame) {
        transport.send(to.id, to.address, frame);
    }

    TransportStats stats() {
        return transport.stats();
    }

    private synchronized void record(Message message) {
        received.add(message);
    }

    private synchronized void recordRpc(Rpc rpc) {
        receivedRpcs.add(rpc);
    }

    private synchronized void recordSnapshotFrame(SnapshotFrame frame) {
        receivedSnapshotFrames.add(frame);
    }

    private synchronized void recordUndelivered(Undelivered report) {
        undelivered.add(report);
    }

    synchronized List<Undelivered> undelivered() {
        return new ArrayList<>(undelivered);
    }

    synchronized List<SnapshotFrame> receivedSnapshotFrames() {
        return new ArrayList<>(receivedSnapshotFrames);
    }

    synchronized List<Rpc> receivedRpcs() {
        return new ArrayList<>(receivedRpcs);
    }

    synchronized List<Message> received() {
        return new ArrayList<>(received);
    }

    synchronized List<Message> receivedFrom(String sender) {
        return received.stream().filter(m -> m.from().equals(sender)).toList();
    }

    @Override
    public void close() {
        transport.close();
    }
}
