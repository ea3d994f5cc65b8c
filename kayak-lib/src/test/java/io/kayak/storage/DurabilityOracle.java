package io.kayak.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.kayak.core.Entry;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides whether a log recovered after a crash is one the durability contract allows. It remembers the state at
 * the last completed sync and every state the log passed through since. A recovered log is allowed when it is a
 * prefix of one of those states (never reordered, never half of a write), still holds every entry that was synced
 * and not removed since by an explicit truncation, and its hard state is one of those saved since the sync.
 */
final class DurabilityOracle {
    private final List<LogModel> sinceSync = new ArrayList<>();

    DurabilityOracle(LogModel initial) {
        sinceSync.add(initial.copy());
    }

    void synced(LogModel current) {
        sinceSync.clear();
        sinceSync.add(current.copy());
    }

    void changed(LogModel current) {
        sinceSync.add(current.copy());
    }

    /** Checks {@code recovered} and returns the model of what it holds (to continue a test from). */
    LogModel check(WriteAheadLog recovered, String context) {
        long first = recovered.firstIndex();
        long last = recovered.lastIndex();
        List<Entry> held = recovered.entries(first, last + 1, Long.MAX_VALUE);
        LogModel synced = sinceSync.get(0);
        long mustHold = Long.MAX_VALUE;
        for (LogModel state : sinceSync) {
            mustHold = Math.min(mustHold, synced.commonPrefix(state));
        }
        assertThat(last).as("%s: synced entries up to %d must survive", context, mustHold)
                .isGreaterThanOrEqualTo(mustHold);
        LogModel match = null;
        for (LogModel state : sinceSync) {
            if (isPrefixOf(held, first, last, state) && state.termAt(first - 1) == recovered.term(first - 1)) {
                match = state;
                break;
            }
        }
        assertThat(match).as("%s: recovered [%d..%d] %s is a prefix of a state since the last sync %s", context,
                first, last, held, sinceSync).isNotNull();
        assertThat(sinceSync.stream().map(s -> s.hardState).toList()).as("%s: hard state", context)
                .contains(recovered.hardState());
        assertThat(recovered.configurationBefore(last + 1)).as("%s: configuration", context)
                .isEqualTo(match.configurationBefore(last + 1));
        LogModel now = match.copy();
        now.truncateAfter(last);
        now.hardState = recovered.hardState();
        return now;
    }

    private static boolean isPrefixOf(List<Entry> held, long first, long last, LogModel state) {
        if (last > state.lastIndex()) {
            return false;
        }
        for (long i = first; i <= last; i++) {
            if (!held.get((int) (i - first)).equals(state.at(i))) {
                return false;
            }
        }
        return true;
    }
}
