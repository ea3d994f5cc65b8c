package io.kayak.core;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A crash can keep a batch's entries but not the hard state that raised the term before them. The member then
 * starts from the term of its last entry, with that term's vote counted as cast: voting or leading in that term a
 * second time could put two different entries at one index and term (simulator seed 324386).
 */
@DisplayName("A log ahead of the stored term")
class TermBehindLogTest {
    @Test
    @DisplayName("raises the term to the last entry's, counts its vote as cast, and saves that with the first Ready")
    void theTermFollowsTheLogAndTheVoteIsTaken() {
        MemoryLogStore store = new MemoryLogStore();
        Configuration config = Configuration.ofVoters(Map.of("a", "a", "b", "b", "c", "c"));
        store.append(List.of(RaftNode.bootstrapEntry(config), Entry.noop(2, 4)));
        RaftNode a = new RaftNode(RaftOptions.builder("a").seed(1).build(), store, new HardState(3, null, 0));
        assertThat(a.term()).isEqualTo(4);
        assertThat(a.hasReady()).isTrue();
        HardState saved = a.ready().hardState();
        assertThat(saved).isNotNull();
        assertThat(saved.term()).isEqualTo(4);
        assertThat(saved.votedFor()).isEqualTo("a");
    }
}
