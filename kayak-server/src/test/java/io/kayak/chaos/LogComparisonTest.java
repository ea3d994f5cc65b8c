package io.kayak.chaos;

import io.kayak.core.Entry;
import io.kayak.core.HardState;
import io.kayak.storage.DataDirectory;
import io.kayak.storage.StorageOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LogComparisonTest {
    private static final int SEGMENT = 16384;

    @TempDir
    Path dir;

    @Test
    void namesTheIndicesWhereTheLogsHoldDifferentEntries() {
        Map<String, Path> members = new LinkedHashMap<>();
        members.put("m1", write("m1", List.of("a", "b", "c", "d")));
        members.put("m2", write("m2", List.of("a", "b", "x", "d", "e")));

        List<String> lines = LogComparison.compare(members, SEGMENT);

        assertThat(lines).anyMatch(l -> l.startsWith("m1: log [1, 4]"));
        assertThat(lines).anyMatch(l -> l.startsWith("m2: log [1, 5]"));
        assertThat(lines).filteredOn(l -> l.startsWith("index ")).singleElement().asString()
                .startsWith("index 3 differs").contains("m1=t1 NORMAL c").contains("m2=t1 NORMAL x");
        assertThat(lines).last().isEqualTo("1 index(es) hold different entries on different members");
    }

    @Test
    void saysSoWhenTheLogsAgreeWhereverTheyOverlap() {
        Map<String, Path> members = new LinkedHashMap<>();
        members.put("m1", write("m1", List.of("a", "b")));
        members.put("m2", write("m2", List.of("a", "b", "c")));

        assertThat(LogComparison.compare(members, SEGMENT)).last().isEqualTo("the logs agree wherever they overlap");
    }

    private Path write(String member, List<String> payloads) {
        Path data = dir.resolve(member);
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < payloads.size(); i++) {
            entries.add(Entry.normal(i + 1, 1, payloads.get(i).getBytes(StandardCharsets.US_ASCII)));
        }
        try (DataDirectory d = DataDirectory.open(data, StorageOptions.defaults().withSegmentCapacity(SEGMENT))) {
            d.log().append(entries);
            d.log().saveHardState(new HardState(1, member, payloads.size()));
            d.log().sync();
        }
        return data;
    }
}
