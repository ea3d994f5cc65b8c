package io.kayak.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.kayak.core.Entry;
import io.kayak.core.EntryKind;
import io.kayak.core.Message;
import io.kayak.core.Message.AppendRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The direct AppendRequest writer produces exactly the bytes of the generated encoder (length prefix included), so
 * receivers cannot tell the two apart, including for zero values that proto3 leaves out.
 */
class AppendRequestWriterTest {

    @Property(tries = 1000)
    void writesTheBytesOfTheGeneratedEncoder(@ForAll("requests") AppendRequest request) {
        // Direct (pooled) and heap (unpooled) buffers take the two write paths.
        for (ByteBufAllocator alloc : List.of(PooledByteBufAllocator.DEFAULT, new UnpooledByteBufAllocator(false))) {
            assertThat(written(request, alloc)).isEqualTo(generated(request));
        }
    }

    @Test
    void aReceiverDecodesTheWrittenFrame() throws ProtocolException {
        AppendRequest request = new AppendRequest("n0", "n2", 3, 41, 2, List.of(
                new Entry(42, 3, EntryKind.NOOP, new byte[0]), new Entry(43, 3, EntryKind.NORMAL, new byte[128])), 40);
        byte[] direct = written(request, PooledByteBufAllocator.DEFAULT);
        Message decoded = MessageCodec.decode(java.util.Arrays.copyOfRange(direct, Pipelines.LENGTH_FIELD_BYTES,
                direct.length));
        assertThat(decoded).isEqualTo(request);
    }

    @Test
    void zeroFieldsAndEmptyPayloadsAreLeftOutLikeTheGeneratedEncoder() {
        AppendRequest request = new AppendRequest("a", "b", 1, 0, 0,
                List.of(new Entry(1, 1, EntryKind.NOOP, new byte[0]), new Entry(2, 1, EntryKind.NORMAL, new byte[0])),
                0);
        assertThat(written(request, PooledByteBufAllocator.DEFAULT)).isEqualTo(generated(request));
    }

    @Test
    void largeRequestsNeedMultiByteLengths() {
        List<Entry> entries = new ArrayList<>();
        for (int i = 1; i <= 300; i++) {
            entries.add(new Entry(1_000_000L + i, 7, EntryKind.NORMAL, new byte[i * 3]));
        }
        AppendRequest request = new AppendRequest("leader-1", "follower-2", 7, 1_000_000L, 7, entries, 999_999L);
        AppendRequestWriter writer = new AppendRequestWriter(request);
        assertThat(writer.frameSize()).isEqualTo(MessageCodec.encode(request).getSerializedSize()).isGreaterThan(1 << 17);
        assertThat(written(request, PooledByteBufAllocator.DEFAULT)).isEqualTo(generated(request));
    }

    private static byte[] written(AppendRequest request, ByteBufAllocator alloc) {
        ByteBuf buf = new AppendRequestWriter(request).write(alloc);
        try {
            byte[] bytes = new byte[buf.readableBytes()];
            buf.getBytes(buf.readerIndex(), bytes);
            return bytes;
        } finally {
            buf.release();
        }
    }

    private static byte[] generated(AppendRequest request) {
        byte[] body = MessageCodec.encode(request).toByteArray();
        return ByteBuffer.allocate(Pipelines.LENGTH_FIELD_BYTES + body.length).putInt(body.length).put(body).array();
    }

    @Provide
    Arbitrary<AppendRequest> requests() {
        Arbitrary<String> ids = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(12)
                .injectDuplicates(0.1).map(s -> s.length() > 10 ? s + "\u00e9\u4e2d" : s); // multi-byte UTF-8 too
        Arbitrary<Long> values = Arbitraries.oneOf(Arbitraries.just(0L), Arbitraries.longs().between(0, 300),
                Arbitraries.longs().between(0, Long.MAX_VALUE));
        Arbitrary<Long> positive = Arbitraries.oneOf(Arbitraries.longs().between(1, 300),
                Arbitraries.longs().between(1, Long.MAX_VALUE));
        Arbitrary<List<Entry>> entries = Combinators.combine(positive, positive, Arbitraries.of(EntryKind.class),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(200))
                .as(Entry::new).list().ofMinSize(1).ofMaxSize(20);
        return Combinators.combine(ids, ids, values, values, values, entries, values)
                .as(AppendRequest::new);
    }
}
