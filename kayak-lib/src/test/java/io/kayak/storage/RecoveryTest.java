package io.kayak.storage;

import io.kayak.UnsupportedFormatException;
import io.kayak.StorageCorruptedException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kayak.core.Entry;
import io.kayak.core.HardState;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recovery rules on real files: torn tails are cut; anything else damaged refuses to open, naming file and offset. */
class RecoveryTest {
    private static final int RECORD = RecordFormat.HEADER_SIZE + 10;

    @TempDir
    Path dataDir;

    private final StorageOptions options = StorageOptions.defaults().withSegmentCapacity(32 + 10 * RECORD);

    private static List<Entry> entries(long from, long to) {
        List<Entry> list = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            list.add(Entry.normal(i, 1, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, (byte) i}));
        }
        return list;
    }

    private void write(long count) {
        write(count, 0);
    }

    private void write(long count, long commit) {
        try (DataDirectory directory = DataDirectory.open(dataDir, options)) {
            directory.log().append(entries(1, count));
            directory.log().saveHardState(new HardState(1, "a", commit));
            directory.log().sync();
        }
    }

    private Path segment(long firstIndex) {
        return dataDir.resolve("log").resolve(Segment.fileName(firstIndex));
    }

    private static long recordOffset(long indexInSegment) {
        return Segment.HEADER_SIZE + (indexInSegment - 1) * RECORD;
    }

    private static void poke(Path file, long offset, byte[] bytes) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            raf.write(bytes);
        }
    }

    @Test
    void aTornLastRecordIsCutAndTheLogContinues() throws IOException {
        write(5);
        // The last record's second half never reached the disk.
        poke(segment(1), recordOffset(5) + RECORD / 2, new byte[RECORD - RECORD / 2]);
        try (DataDirectory directory = DataDirectory.open(dataDir, options)) {
            assertThat(directory.log().lastIndex()).isEqualTo(4);
            directory.log().append(entries(5, 7));
            directory.log().sync();
        }
        try (DataDirectory directory = DataDirectory.open(dataDir, options)) {
            assertThat(directory.log().entries(1, 8, Long.MAX_VALUE)).containsExactlyElementsOf(entries(1, 7));
        }
    }

    @Test
    void garbageAfterTheLastRecordIsWipedSoItCannotBeMistakenForData() throws IOException {
        write(3);
        poke(segment(1), recordOffset(4), new byte[] {0, 0, 0, 40, 9, 9, 9, 9, 9});
        try (DataDirectory directory = DataDirectory.open(dataDir, options)) {
            assertThat(directory.log().lastIndex()).isEqualTo(3);
        }
        byte[] after = new byte[RECORD];
        System.arraycopy(Files.readAllBytes(segment(1)), (int) recordOffset(4), after, 0, RECORD);
        assertThat(after).containsOnly(0);
    }

    @Test
    void aDamagedLastRecordBelowTheSavedCommitIndexIsCorruptionNotATornTail() throws IOException {
        write(5, 5);
        byte[] before = Files.readAllBytes(segment(1));
        poke(segment(1), recordOffset(5) + RecordFormat.HEADER_SIZE + 1, new byte[] {(byte) 0x42});
        assertThatThrownBy(() -> DataDirectory.open(dataDir, options))
                .isInstanceOfSatisfying(StorageCorruptedException.class, e -> {
                    assertThat(e.file()).isEqualTo(segment(1));
                    assertThat(e.offset()).isEqualTo(recordOffset(5));
                })
                .hasMessageContaining("expected entries up to index 5");
        // The damaged record is left in place for an operator to inspect.
        byte[] after = Files.readAllBytes(segment(1));
        assertThat(after[(int) recordOffset(5)]).isEqualTo(before[(int) recordOffset(5)]);
    }

    @Test
    void aBadChecksumBeforeTheLastRecordIsCorruption() throws IOException {
        write(5);
        poke(segment(1), recordOffset(2) + RecordFormat.HEADER_SIZE + 3, new byte[] {(byte) 0x77});
        assertThatThrownBy(() -> DataDirectory.open(dataDir, options))
                .isInstanceOfSatisfying(StorageCorruptedException.class, e -> {
                    assertThat(e.file()).isEqualTo(segment(1));
                    assertThat(e.offset()).isEqualTo(recordOffset(2));
                })
                .hasMessageContaining("crc32c").hasMessageContaining("a valid record follows");
    }

    @Test
    void aDamagedRecordInAnEarlierSegmentIsCorruptionEvenAtItsEnd() throws IOException {
        write(15); // segments of 10 records: 1..10 and 11..15
        poke(segment(1), recordOffset(10) + RecordFormat.HEADER_SIZE, new byte[] {(byte) 0x55});
        assertThatThrownBy(() -> DataDirectory.open(dataDir, options))
                .isInstanceOfSatisfying(StorageCorruptedException.class, e -> {
                    assertThat(e.file()).isEqualTo(segment(1));
                    assertThat(e.offset()).isEqualTo(recordOffset(10));
                })
                .hasMessageContaining("only the last segment may end in a torn record");
    }

    @Test
    void aMissingSegmentIsAGap() throws IOException {
        write(25);
        Files.delete(segment(11));
        assertThatThrownBy(() -> DataDirectory.open(dataDir, options))
                .isInstanceOfSatisfying(StorageCorruptedException.class, e -> assertThat(e.file())
                        .isEqualTo(segment(21)))
                .hasMessageContaining("expected the segment to start at index 11").hasMessageContaining("found 21");
    }

    @Test
    void aRecordWithTheWrongIndexIsCorruption() throws IOException {
        write(5);
        // A well-formed record, checksum and all, that claims index 9 where 3 belongs.
        ByteBuffer record = ByteBuffer.allocate(RECORD);
        RecordFormat.write(Entry.normal(9, 1, new byte[10]), record);
        poke(segment(1), recordOffset(3), record.array());
        assertThatThrownBy(() -> DataDirectory.open(dataDir, options))
                .isInstanceOfSatisfying(StorageCorruptedException.class,
                        e -> assertThat(e.offset()).isEqualTo(recordOffset(3)))
                .hasMessageContaining("expected index 3, found 9");
    }

    @Test
    void aSegmentOfANewerFormatVersionIsRefused() throws IOException {
        write(2);
        ByteBuffer header = ByteBuffer.allocate(Segment.HEADER_SIZE);
        header.putInt(Segment.MAGIC).putInt(2).putLong(1);
        CRC32C crc = new CRC32C();
        crc.update(header.array(), 0, Segment.HEADER_SIZE - 4);
        header.putInt(Segment.HEADER_SIZE - 4, (int) crc.getValue());
        poke(segment(1), 0, header.array());
        assertThatThrownBy(() -> DataDirectory.open(dataDir, options))
                .isInstanceOf(UnsupportedFormatException.class).hasMessageContaining("format version 2");
    }

    @Test
    void aDataDirectoryOfANewerFormatIsRefusedAndLeftUntouched() throws IOException {
        write(2);
        byte[] content = "kayak-storage 2\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ByteBuffer framed = ByteBuffer.allocate(content.length + 4).put(content);
        CRC32C crc = new CRC32C();
        crc.update(content);
        framed.putInt((int) crc.getValue());
        Files.write(dataDir.resolve("format"), framed.array());
        byte[] segmentBefore = Files.readAllBytes(segment(1));

        assertThatThrownBy(() -> DataDirectory.open(dataDir, options))
                .isInstanceOfSatisfying(UnsupportedFormatException.class,
                        e -> assertThat(e.file()).isEqualTo(dataDir.resolve("format")))
                .hasMessageContaining("format version 2 is not supported");
        assertThat(Files.readAllBytes(segment(1))).isEqualTo(segmentBefore);
    }

    @Test
    void aDamagedHardStateFileIsCorruption() throws IOException {
        write(1);
        poke(dataDir.resolve("meta"), 3, new byte[] {(byte) 0xEE});
        assertThatThrownBy(() -> DataDirectory.open(dataDir, options))
                .isInstanceOfSatisfying(StorageCorruptedException.class,
                        e -> assertThat(e.file()).isEqualTo(dataDir.resolve("meta")));
    }

    @Test
    void hardStateAndLogSurviveARestart() {
        write(12, 12);
        try (DataDirectory directory = DataDirectory.open(dataDir, options)) {
            assertThat(directory.log().hardState()).isEqualTo(new HardState(1, "a", 12));
            assertThat(directory.log().entries(1, 13, Long.MAX_VALUE)).containsExactlyElementsOf(entries(1, 12));
            assertThat(directory.log().segmentFiles()).containsExactly(segment(1), segment(11));
        }
    }

    @Test
    void leftoverTemporaryFilesAreRemovedOnOpen() throws IOException {
        write(1);
        Files.write(dataDir.resolve("meta.tmp"), new byte[] {1, 2});
        Files.write(dataDir.resolve("log").resolve("base.tmp"), new byte[] {1, 2});
        Files.write(dataDir.resolve("log").resolve("old" + SegmentPreallocator.SUFFIX), new byte[] {1, 2});
        try (DataDirectory directory = DataDirectory.open(dataDir, options)) {
            assertThat(directory.log().lastIndex()).isEqualTo(1);
            assertThat(dataDir.resolve("meta.tmp")).doesNotExist();
            assertThat(dataDir.resolve("log").resolve("base.tmp")).doesNotExist();
            assertThat(dataDir.resolve("log").resolve("old" + SegmentPreallocator.SUFFIX)).doesNotExist();
        }
    }
}
