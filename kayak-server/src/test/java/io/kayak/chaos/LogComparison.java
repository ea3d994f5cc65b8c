package io.kayak.chaos;

import io.kayak.core.Entry;
import io.kayak.storage.DataDirectory;
import io.kayak.storage.SnapshotMetadata;
import io.kayak.storage.StorageOptions;
import io.kayak.storage.WriteAheadLog;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Compares the logs that members left on disk (copies taken after a run), entry by entry: which indices hold
 * different entries on different members. It tells a divergence of the logs themselves (the consensus or the
 * storage went wrong) from one of the state built from identical logs (applying or snapshots went wrong).
 */
final class LogComparison {
    /** How many differing indices are described in full. */
    private static final int SHOWN = 6;

    private LogComparison() {
    }

    /** One line per member (its log's range, hard state and snapshot), then the first indices whose entries differ. */
    static List<String> compare(Map<String, Path> dataByMember, int segmentBytes) {
        List<String> lines = new ArrayList<>();
        Map<String, TreeMap<Long, Entry>> logs = new LinkedHashMap<>();
        dataByMember.forEach((id, dir) -> {
            StorageOptions options = StorageOptions.defaults().withSegmentCapacity(segmentBytes);
            try (DataDirectory data = DataDirectory.open(dir, options)) {
                WriteAheadLog log = data.log();
                Optional<SnapshotMetadata> snapshot = data.snapshots().latest();
                lines.add(id + ": log [" + log.firstIndex() + ", " + log.lastIndex() + "], " + log.hardState()
                        + ", snapshot " + snapshot.map(s -> s.lastIndex() + "/t" + s.lastTerm()).orElse("none"));
                TreeMap<Long, Entry> entries = new TreeMap<>();
                for (long next = log.firstIndex(); next <= log.lastIndex(); ) {
                    List<Entry> read = log.entries(next, log.lastIndex() + 1, 1 << 20);
                    read.forEach(e -> entries.put(e.index(), e));
                    next = read.get(read.size() - 1).index() + 1;
                }
                logs.put(id, entries);
            } catch (RuntimeException e) {
                lines.add(id + ": cannot read its log copy: " + e);
            }
        });
        int differing = 0;
        TreeMap<Long, List<String>> byIndex = new TreeMap<>();
        logs.forEach((id, entries) -> entries.keySet().forEach(i -> byIndex.computeIfAbsent(i, k -> new ArrayList<>())
                .add(id)));
        for (Map.Entry<Long, List<String>> at : byIndex.entrySet()) {
            Map<String, String> versions = new LinkedHashMap<>();
            for (String id : at.getValue()) {
                versions.put(id, describe(logs.get(id).get(at.getKey())));
            }
            if (versions.values().stream().distinct().count() > 1) {
                if (differing++ < SHOWN) {
                    lines.add("index " + at.getKey() + " differs: " + versions);
                }
            }
        }
        lines.add(differing == 0 ? "the logs agree wherever they overlap"
                : differing + " index(es) hold different entries on different members");
        return lines;
    }

    private static String describe(Entry e) {
        byte[] payload = e.payload() == null ? new byte[0] : e.payload();
        byte[] printable = Arrays.copyOf(payload, payload.length);
        for (int i = 0; i < printable.length; i++) {
            if (printable[i] < 0x20 || printable[i] > 0x7e) {
                printable[i] = '.';
            }
        }
        return "t" + e.term() + " " + e.kind() + " " + new String(printable, StandardCharsets.US_ASCII);
    }
}
