package io.kayak.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kayak.core.Entry;
import io.kayak.core.Message;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Messages of every type cross real loopback TCP between transports, whole and in order. */
class TransportDeliveryTest {

    @Test
    void twoMembersExchangeEveryMessageType() throws Exception {
        try (Node a = Node.start("c1", "a"); Node b = Node.start("c1", "b")) {
            List<Message> toB = TestMessages.everyType("a", "b");
            List<Message> toA = TestMessages.everyType("b", "a");
            toB.forEach(m -> a.send(b, m));
            toA.forEach(m -> b.send(a, m));

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(b.received()).containsExactlyElementsOf(toB);
                assertThat(a.received()).containsExactlyElementsOf(toA);
            });
            assertThat(a.stats().messagesDelivered()).isEqualTo(toA.size());
            // Everything a wrote, b read: a's Hello and messages on a's connection, a's HelloReply on b's.
            assertThat(a.stats().framesSent()).isEqualTo(toB.size() + 2L);
            assertThat(b.stats().framesReceived()).isEqualTo(toB.size() + 2L);
            assertThat(a.stats().bytesSent()).isEqualTo(b.stats().bytesReceived()).isPositive();
            assertThat(a.stats().protocolErrors() + b.stats().protocolErrors()).isZero();
            assertThat(a.stats().messagesDropped() + b.stats().messagesDropped()).isZero();
        }
    }

    @Test
    void threeMembersExchangeEveryMessageTypeWithEachOther() throws Exception {
        try (Node a = Node.start("c1", "a"); Node b = Node.start("c1", "b"); Node c = Node.start("c1", "c")) {
            List<Node> nodes = List.of(a, b, c);
            for (Node from : nodes) {
                for (Node to : nodes) {
                    if (from != to) {
                        TestMessages.everyType(from.id, to.id).forEach(m -> from.send(to, m));
                    }
                }
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                for (Node to : nodes) {
                    for (Node from : nodes) {
                        if (from != to) {
                            assertThat(to.receivedFrom(from.id)).as("%s -> %s", from.id, to.id)
                                    .containsExactlyElementsOf(TestMessages.everyType(from.id, to.id));
                        }
                    }
                }
            });
            for (Node n : nodes) {
                assertThat(n.received()).hasSize(2 * TestMessages.everyType("x", "y").size());
            }
        }
    }

    @Test
    void messagesSentBeforeTheReceiverListensAreDeliveredOnceItDoes() throws Exception {
        try (Node a = Node.start("c1", "a")) {
            java.net.InetSocketAddress future;
            try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1,
                    java.net.InetAddress.getLoopbackAddress())) {
                future = (java.net.InetSocketAddress) probe.getLocalSocketAddress();
            }
            Message early = new Message.TimeoutNow("a", "b", 3);
            a.transport.send("b", future, early);
            await().atMost(Duration.ofSeconds(10)).until(() -> a.stats().reconnects() >= 1);
            try (Node b = Node.startOn("c1", "b", future)) {
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                        assertThat(b.received()).containsExactly(early));
            }
        }
    }

    @Test
    void aHundredThousandAppendsArriveInOrder() throws Exception {
        int count = 100_000;
        int window = 3_000;
        AtomicLong next = new AtomicLong();
        AtomicLong outOfOrder = new AtomicLong();
        try (Node a = Node.start("c1", "a");
             NettyTransport b = new NettyTransport(TransportOptions.builder("c1", "b").build(), Node.messagesOnly(m -> {
                 long prev = ((Message.AppendRequest) m).prevIndex();
                 if (!next.compareAndSet(prev, prev + 1)) {
                     outOfOrder.incrementAndGet();
                 }
             }))) {
            java.net.InetSocketAddress bAddress = b.start(new java.net.InetSocketAddress("127.0.0.1", 0));
            byte[] payload = new byte[16];
            for (int i = 0; i < count; i++) {
                // Raft's flow control bounds what is in flight per follower; the test does the same, so the
                // bounded queue never has to drop.
                if (i - b.stats().messagesDelivered() >= window) {
                    long sent = i;
                    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1))
                            .until(() -> sent - b.stats().messagesDelivered() < window / 2);
                }
                a.transport.send("b", bAddress, new Message.AppendRequest("a", "b", 1, i, i == 0 ? 0 : 1,
                        List.of(Entry.normal(i + 1L, 1, payload)), i));
            }
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                    .until(() -> b.stats().messagesDelivered() == count);
            assertThat(next.get()).isEqualTo(count);
            assertThat(outOfOrder.get()).isZero();
            assertThat(a.stats().messagesDropped()).isZero();
        }
    }
}
