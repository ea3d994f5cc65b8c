package io.kayak.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kayak.HostOptions;
import io.kayak.core.Entry;
import io.kayak.core.EntryKind;
import io.kayak.core.LogStore;
import io.kayak.core.MemoryLogStore;
import io.kayak.core.Message.AppendRequest;
import io.kayak.core.RaftOptions;
import io.kayak.storage.DataDirectory;
import io.kayak.storage.StorageOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every frame that carries entries stays within the frame limit, as long as entries stay within
 * {@link EntryFraming#maxPayloadBytes} (what {@code HostOptions} allows at most) and batches within the core's
 * {@code maxAppendBytes} or one entry (what the logs hand out). Measured at the worst case: member ids and addresses
 * of {@value RpcCodec#MAX_NAME_CHARS} three-byte characters, indexes and terms whose varints are longest.
 */
class EntryFramingTest {
    private static final int FRAME = TransportOptions.DEFAULT_MAX_FRAME_BYTES;
    private static final int LARGEST = EntryFraming.maxPayloadBytes(FRAME);
    /** The longest name the codecs accept, at three UTF-8 bytes a character. */
    private static final String NAME = "\u20ac".repeat(RpcCodec.MAX_NAME_CHARS);
    private static final long MAX = Long.MAX_VALUE;
    private static final long MAX_APPEND_BYTES = RaftOptions.builder("m").build().maxAppendBytes();

    @TempDir
    Path dir;

    @Test
    void hostOptionsAcceptNoLimitAboveTheLargestEntryMeasuredHere() {
        assertThat(HostOptions.builder().maxEntryBytes(LARGEST).build().maxEntryBytes()).isEqualTo(LARGEST);
        assertThatThrownBy(() -> HostOptions.builder().maxEntryBytes(LARGEST + 1).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theLargestEntryFitsAnAppendRequestFrameWithRoomToSpare() {
        AppendRequest request = new AppendRequest(NAME, NAME, MAX, MAX - 1, MAX, List.of(
                new Entry(MAX, MAX, EntryKind.CONFIG, new byte[LARGEST])), MAX);
        int frameSize = new AppendRequestWriter(request).frameSize();

        assertThat(frameSize).isEqualTo(MessageCodec.encode(request).getSerializedSize());
        assertThat(frameSize - LARGEST).as("framing of one entry").isEqualTo(6_227);
        assertThat(Pipelines.LENGTH_FIELD_BYTES + frameSize).isLessThanOrEqualTo(FRAME);
    }

    @Test
    void theLargestEntryFitsAForwardedAppendFrameWithRoomToSpare() {
        byte[] payload = new byte[LARGEST];
        int full = RpcCodec.encode(new Rpc.Request(Long.MIN_VALUE, NAME, Rpc.Kind.APPEND, NAME, NAME, payload, NAME))
                .getSerializedSize();
        int asSent = RpcCodec.encode(new Rpc.Request(Long.MIN_VALUE, NAME, Rpc.Kind.APPEND, "", "", payload))
                .getSerializedSize();

        assertThat(full - LARGEST).as("framing with every name field full").isEqualTo(12_324);
        assertThat(asSent - LARGEST).as("framing as a follower forwards it").isEqualTo(3_099);
        assertThat(Pipelines.LENGTH_FIELD_BYTES + full).isLessThanOrEqualTo(FRAME);
    }

    @Test
    void theDefaultLimitLeavesTheHeadroomAndTheHeadroomCoversTheWorstFraming() {
        assertThat(HostOptions.DEFAULT_MAX_ENTRY_BYTES).isLessThanOrEqualTo(LARGEST);
        assertThat(EntryFraming.HEADROOM_BYTES).isGreaterThan(4 * 12_324);
    }

    /**
     * A batch filled up to {@code maxAppendBytes} with entries of {@code payload} bytes at the largest indexes:
     * the framing of each is at most 8 bytes beyond the 24 that {@code Entry.size()} counts, so the frame stays
     * far below the limit whatever the payloads.
     */
    @Property(tries = 60)
    void aFullBatchOfEntriesOfAnySizeFitsTheFrame(@ForAll @IntRange(min = 0, max = 300_000) int payload) {
        List<Entry> entries = new ArrayList<>();
        long bytes = 0;
        long index = MAX - 100_000;
        while (entries.isEmpty() || bytes + payload + 24 <= MAX_APPEND_BYTES) {
            Entry e = new Entry(index++, MAX, EntryKind.CONFIG, new byte[payload]);
            entries.add(e);
            bytes += e.size();
        }
        int frameSize = new AppendRequestWriter(new AppendRequest(NAME, NAME, MAX, MAX - 100_001, MAX, entries, MAX))
                .frameSize();

        assertThat((long) frameSize).isLessThanOrEqualTo(bytes + 8L * entries.size() + 6_227);
        assertThat((long) frameSize).isLessThanOrEqualTo(MAX_APPEND_BYTES * 4 / 3 + 6_227);
        assertThat(Pipelines.LENGTH_FIELD_BYTES + frameSize).isLessThanOrEqualTo(FRAME);
    }

    /**
     * The write-ahead log (from its cache of recent entries and from disk) and the in-memory log hand the core
     * batches within {@code maxAppendBytes}, or a single entry, around entries at the limit: every AppendRequest
     * built from them fits a frame.
     */
    @Test
    void everyBatchTheLogsHandOutAroundEntriesAtTheLimitFitsTheFrame() {
        List<Entry> written = new ArrayList<>();
        long index = 1;
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 50_000; i++) {
                written.add(new Entry(index++, 1, EntryKind.NORMAL, new byte[1]));
            }
            written.add(new Entry(index++, 1, EntryKind.NORMAL, new byte[LARGEST]));
            for (int i = 0; i < 3; i++) {
                written.add(new Entry(index++, 1, EntryKind.NORMAL, new byte[700_000]));
            }
        }
        StorageOptions storage = StorageOptions.defaults().withSegmentCapacity(LARGEST + 57);
        try (DataDirectory directory = DataDirectory.open(dir, storage)) {
            for (LogStore log : List.of(directory.log(), new MemoryLogStore())) {
                log.append(written);
                log.sync();
                for (long from = 1; from <= log.lastIndex(); ) {
                    List<Entry> batch = log.entries(from, log.lastIndex() + 1, MAX_APPEND_BYTES);
                    long bytes = batch.stream().mapToLong(Entry::size).sum();
                    assertThat(batch.size() == 1 || bytes <= MAX_APPEND_BYTES)
                            .as("batch from %d of %d entries, %d bytes", from, batch.size(), bytes).isTrue();
                    AppendRequest request = new AppendRequest(NAME, NAME, MAX, from - 1, 1, batch, MAX);
                    assertThat(Pipelines.LENGTH_FIELD_BYTES + new AppendRequestWriter(request).frameSize())
                            .isLessThanOrEqualTo(FRAME);
                    from += Math.max(1, batch.size() / 3); // overlapping starts: batches begin everywhere
                }
            }
        }
    }
}
