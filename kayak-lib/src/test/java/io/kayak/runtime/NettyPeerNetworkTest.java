package io.kayak.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kayak.KayakException;
import io.kayak.core.Message;
import io.kayak.transport.Rpc;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/** Two hosts on loopback talk through {@link NettyPeerNetwork} exactly as the runtime will. */
class NettyPeerNetworkTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Records what arrives; optionally answers requests the way a leader would. */
    private static final class Recorder implements PeerNetwork.Inbound {
        final List<Message> messages = new CopyOnWriteArrayList<>();
        final List<Rpc> rpcs = new CopyOnWriteArrayList<>();
        final List<io.kayak.transport.SnapshotFrame> snapshotFrames = new CopyOnWriteArrayList<>();
        /** What {@link #onUndelivered} reported, as "address ids reason". */
        final List<String> undelivered = new CopyOnWriteArrayList<>();
        private final BiConsumer<Recorder, Rpc.Request> onRequest;

        Recorder(BiConsumer<Recorder, Rpc.Request> onRequest) {
            this.onRequest = onRequest;
        }

        @Override
        public void onMessage(Message message) {
            messages.add(message);
        }

        @Override
        public void onRpc(Rpc rpc) {
            rpcs.add(rpc);
            if (rpc instanceof Rpc.Request request) {
                onRequest.accept(this, request);
            }
        }

        @Override
        public void onSnapshot(io.kayak.transport.SnapshotFrame frame) {
            snapshotFrames.add(frame);
        }

        @Override
        public void onUndelivered(String address, List<Long> requestIds, String reason) {
            undelivered.add(address + " " + requestIds + " " + reason);
        }
    }

    private static String address(NettyPeerNetwork network) {
        return "127.0.0.1:" + network.boundAddress().getPort();
    }

    @Test
    void twoHostsExchangeRaftMessagesAndARequestWhoseRequesterKnowsOnlyAnAddress() {
        try (NettyPeerNetwork a = new NettyPeerNetwork("127.0.0.1:0");
             NettyPeerNetwork b = new NettyPeerNetwork("127.0.0.1:0")) {
            Recorder atA = new Recorder((self, request) -> { });
            // b answers every request at the address the request names: it never learns who asked.
            Recorder atB = new Recorder((self, request) -> b.send(request.replyTo(),
                    Rpc.Response.ok(request.id(), 12, 3, new byte[]{1, 2})));
            a.start("c1", "joiner", atA);
            b.start("c1", "m1", atB);

            Message vote = new Message.VoteRequest("joiner", "m1", 4, false, 10, 3, false);
            a.send(address(b), vote);
            await().atMost(WAIT).untilAsserted(() -> assertThat(atB.messages).containsExactly(vote));

            Rpc.Request join = new Rpc.Request(77, address(a), Rpc.Kind.JOIN, "joiner", address(a), null);
            a.send(address(b), join);
            await().atMost(WAIT).until(() -> atA.rpcs.size() == 1);
            assertThat(atB.rpcs).singleElement().usingRecursiveComparison().isEqualTo(join);
            assertThat(atA.rpcs).singleElement().usingRecursiveComparison()
                    .isEqualTo(Rpc.Response.ok(77, 12, 3, new byte[]{1, 2}).stampedBy("c1"));

            Message reply = new Message.VoteResponse("m1", "joiner", 4, false, true);
            b.send(address(a), reply);
            await().atMost(WAIT).untilAsserted(() -> assertThat(atA.messages).containsExactly(reply));
            assertThat(a.stats().protocolErrors() + b.stats().protocolErrors()).isZero();
        }
    }

    @Test
    void anAddressInUseFailsStartWithTheAddressNamed() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             NettyPeerNetwork network = new NettyPeerNetwork("127.0.0.1:" + taken.getLocalPort())) {
            assertThatThrownBy(() -> network.start("c1", "m1", new Recorder((s, r) -> { })))
                    .isInstanceOf(KayakException.class)
                    .hasMessageContaining("cannot listen on 127.0.0.1:" + taken.getLocalPort());
            // Nothing is left half started: sending is a silent drop.
            network.send("127.0.0.1:1", Rpc.Response.ok(1, 1, 1, null));
            assertThat(network.stats()).isNull();
        }
    }

    @Test
    void anInvalidListenAddressIsRefusedAtOnce() {
        assertThatThrownBy(() -> new NettyPeerNetwork("no-port")).isInstanceOf(KayakException.class)
                .hasMessageContaining("no-port");
    }

    @Test
    void unparsableAddressesAreDroppedWithoutThrowingAndOthersStillWork() {
        try (NettyPeerNetwork a = new NettyPeerNetwork("127.0.0.1:0");
             NettyPeerNetwork b = new NettyPeerNetwork("127.0.0.1:0")) {
            Recorder atB = new Recorder((s, r) -> { });
            a.start("c1", "a", new Recorder((s, r) -> { }));
            b.start("c1", "b", atB);
            for (String bogus : List.of("", "nohost", "host:", "host:http", "host:70000", "::1:7000")) {
                a.send(bogus, new Message.TimeoutNow("a", "b", 1));
                a.send(bogus, Rpc.Response.ok(1, 1, 1, null));
            }
            a.send(null, Rpc.Response.ok(1, 1, 1, null));
            Message fine = new Message.TimeoutNow("a", "b", 2);
            a.send(address(b), fine);
            await().atMost(WAIT).untilAsserted(() -> assertThat(atB.messages).containsExactly(fine));
            assertThat(atB.rpcs).isEmpty();
            assertThat(a.stats().messagesDropped()).isZero();
        }
    }

    @Test
    void aRequestThatCannotBeDeliveredIsReportedWithItsAddressAndWhy() throws Exception {
        try (NettyPeerNetwork a = new NettyPeerNetwork("127.0.0.1:0"); Socket refusing = new Socket()) {
            // Bound but not listening: connections to it are refused for as long as it stays open.
            refusing.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            String nobody = "127.0.0.1:" + refusing.getLocalPort();
            Recorder atA = new Recorder((s, r) -> { });
            a.start("c1", "a", atA);
            a.send("nohost", new Rpc.Request(1, address(a), Rpc.Kind.JOIN, "a", address(a), null));
            a.send(nobody, new Rpc.Request(2, address(a), Rpc.Kind.JOIN, "a", address(a), null));
            a.send(nobody, Rpc.Response.ok(3, 1, 1, null)); // nobody here waits for an answer: not reported
            await().atMost(WAIT).until(() -> atA.undelivered.size() == 2);
            assertThat(atA.undelivered).containsExactly("nohost [1] not a host:port address",
                    nobody + " [2] connection refused");
        }
    }

    @Test
    void sendingBeforeStartOrAfterCloseIsASilentDrop() {
        NettyPeerNetwork network = new NettyPeerNetwork("127.0.0.1:0");
        network.send("127.0.0.1:1", new Message.TimeoutNow("a", "b", 1));
        network.start("c1", "a", new Recorder((s, r) -> { }));
        network.close();
        network.send("127.0.0.1:1", Rpc.Response.ok(1, 1, 1, null));
        network.close();
        assertThat(network.stats().messagesDropped()).isEqualTo(1);
    }

    @Test
    void parsesHostPortAndBracketedIpv6() {
        assertThat(NettyPeerNetwork.parse("db-1.example:7000"))
                .isEqualTo(InetSocketAddress.createUnresolved("db-1.example", 7000));
        assertThat(NettyPeerNetwork.parse("10.0.0.1:0")).isEqualTo(InetSocketAddress.createUnresolved("10.0.0.1", 0));
        assertThat(NettyPeerNetwork.parse("[::1]:65535")).isEqualTo(InetSocketAddress.createUnresolved("::1", 65535));
        for (String bad : List.of("", ":7000", "host", "host:", "host:-1", "host:65536", "host:123456", "::1:7000",
                "[]:7000", "a b:1", "host:7000 ")) {
            assertThat(NettyPeerNetwork.parse(bad)).as("'%s'", bad).isNull();
        }
    }
}
