package io.kayak.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.kayak.core.Message;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Fuzzes the whole inbound pipeline of a member — length framing, frame limit, protobuf parsing, handshake,
 * validation, delivery — with random and mutated byte streams cut into random chunks. Whatever arrives, no
 * exception escapes the pipeline, the member only ever delivers valid messages addressed to it from the
 * handshaken peer, and a connection that misbehaves ends closed and counted. Budget: about 10,000 streams per run,
 * a few seconds (the CI budget).
 */
class FramePipelineFuzzTest {
    private static final int MAX_FRAME = 4096;

    /** A member "b" of cluster "c1", fed {@code stream} in chunks of the given sizes. */
    private static Result feed(byte[] stream, List<Integer> chunks) {
        TransportOptions options = TransportOptions.builder("c1", "b").maxFrameBytes(MAX_FRAME).build();
        TransportStats stats = new TransportStats();
        List<Message> messages = new ArrayList<>();
        List<Rpc> rpcs = new ArrayList<>();
        List<SnapshotFrame> snapshotFrames = new ArrayList<>();
        EmbeddedChannel channel = new EmbeddedChannel();
        Pipelines.install(channel.pipeline(), null, MAX_FRAME, stats, new InboundConnection(options,
                new ClusterIdentity("c1"), stats, new MessageHandler() {
                    @Override
                    public void onMessage(Message message) {
                        messages.add(message);
                    }

                    @Override
                    public void onRpc(Rpc rpc) {
                        rpcs.add(rpc);
                    }

                    @Override
                    public void onSnapshot(SnapshotFrame frame) {
                        snapshotFrames.add(frame);
                    }
                }));
        int offset = 0;
        int chunk = 0;
        while (offset < stream.length && channel.isOpen()) {
            int size = Math.max(1, chunks.isEmpty() ? stream.length : chunks.get(chunk++ % chunks.size()));
            int end = Math.min(stream.length, offset + size);
            channel.writeInbound(Unpooled.wrappedBuffer(stream, offset, end - offset));
            offset = end;
        }
        // Rethrows anything that reached the end of the pipeline unhandled: that would be a crash.
        channel.checkException();
        channel.finishAndReleaseAll();
        return new Result(messages, rpcs, stats, offset < stream.length);
    }

    private record Result(List<Message> messages, List<Rpc> rpcs, TransportStats stats, boolean closedEarly) {
    }

    private static void assertSafe(Result r) {
        // A mutation may rename the connecting member consistently (in its hello and its messages alike); what must
        // hold is that one connection speaks for one member, never for this member, and only to this member.
        long senders = r.messages().stream().map(Message::from).distinct().count();
        assertThat(senders).isLessThanOrEqualTo(1);
        for (Message m : r.messages()) {
            assertThat(m.to()).isEqualTo("b");
            assertThat(m.from()).isNotEqualTo("b").isNotEmpty();
            // Whatever was delivered is a message the core could have sent: it survives the codec again.
            try {
                assertThat(MessageCodec.decode(MessageCodec.encode(m).toByteArray())).isEqualTo(m);
            } catch (ProtocolException e) {
                throw new AssertionError("delivered an invalid message " + m, e);
            }
        }
        if (r.closedEarly()) {
            // Closed before the stream ended: always for a counted reason (a refused hello is not an error).
            assertThat(r.stats().protocolErrors() + r.stats().handshakesRejected()).isPositive();
        }
    }

    @Property(tries = 5000)
    void randomStreamsNeverCrashTheMember(@ForAll @Size(max = 512) byte[] stream,
                                          @ForAll @Size(max = 8) List<@IntRange(min = 1, max = 64) Integer> chunks) {
        assertSafe(feed(stream, chunks));
    }

    @Property(tries = 5000)
    void mutatedValidStreamsNeverCrashTheMember(
            @ForAll("validStreams") byte[] stream,
            @ForAll @Size(max = 6) List<@IntRange(min = 0, max = 100_000) Integer> flips,
            @ForAll byte xor,
            @ForAll @IntRange(min = 0, max = 100) int keepPercent,
            @ForAll @Size(max = 8) List<@IntRange(min = 1, max = 64) Integer> chunks) {
        byte[] mutated = stream.clone();
        for (int position : flips) {
            if (mutated.length > 0) {
                mutated[position % mutated.length] ^= (xor == 0 ? 1 : xor);
            }
        }
        byte[] truncated = java.util.Arrays.copyOf(mutated, mutated.length * keepPercent / 100);
        assertSafe(feed(truncated, chunks));
    }

    @Property(tries = 300)
    void unmutatedStreamsAreDeliveredWhole(@ForAll("validStreams") byte[] stream,
                                           @ForAll @Size(max = 8) List<@IntRange(min = 1, max = 64) Integer> chunks) {
        Result r = feed(stream, chunks);
        assertSafe(r);
        assertThat(r.stats().protocolErrors()).isZero();
        assertThat(r.messages().size() + r.rpcs().size()).isPositive();
    }

    @Property(tries = 200)
    void oversizeLengthPrefixesCloseBeforeBuffering(@ForAll @IntRange(min = MAX_FRAME + 1) int length) {
        byte[] prefix = ByteBuffer.allocate(4).putInt(length).array();
        Result r = feed(concat(frame(Handshake.hello("c1", "a", "b")), prefix), List.of());
        assertThat(r.stats().oversizeFrames()).isEqualTo(1);
        assertThat(r.stats().protocolErrors()).isEqualTo(1);
    }

    /** A hello from "a" then valid Raft messages and rpcs, length-prefixed: what a healthy peer sends. */
    @Provide
    Arbitrary<byte[]> validStreams() {
        Arbitrary<byte[]> body = Arbitraries.integers().between(0, 100).map(seed -> {
            List<Message> all = TestMessages.everyType("a", "b");
            Message m = all.get(seed % all.size());
            return frame(MessageCodec.encode(m).toByteArray());
        });
        Arbitrary<byte[]> rpc = Arbitraries.longs().map(id -> frame(RpcCodec.encode(
                new Rpc.Request(id, "127.0.0.1:1", Rpc.Kind.REMOVE, "x", "", null)).toByteArray()));
        return Arbitraries.oneOf(body, rpc).list().ofMinSize(1).ofMaxSize(6).map(frames -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(frame(Handshake.hello("c1", "a", "b")));
            frames.forEach(out::writeBytes);
            return out.toByteArray();
        });
    }

    private static byte[] frame(io.kayak.transport.proto.RaftProto.Frame frame) {
        return frame(frame.toByteArray());
    }

    private static byte[] frame(byte[] body) {
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteBuf buf = Unpooled.buffer().writeBytes(a).writeBytes(b);
        byte[] out = new byte[buf.readableBytes()];
        buf.readBytes(out);
        return out;
    }
}
