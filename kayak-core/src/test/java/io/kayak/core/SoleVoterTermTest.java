package io.kayak.core;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A sole voter wins its election by its own vote, in the same Ready that raises its term. Its AppendEntries must
 * wait until an entry of that term is durable: if they reached a learner and a crash then lost the term, the restarted
 * member would lead the same term again and could write another entry at an index the learner already holds for
 * that term (simulator seed 1256367).
 */
@DisplayName("A sole voter's first messages")
class SoleVoterTermTest {
    @Test
    @DisplayName("leave only after the term that carries them is durable")
    void waitForTheTermToBeDurable() {
        MemoryLogStore store = new MemoryLogStore();
        Configuration config = Configuration.of(Set.of("a"), Set.of(), Set.of("b"), Map.of("a", "a", "b", "b"));
        store.append(List.of(RaftNode.bootstrapEntry(config)));
        RaftNode a = new RaftNode(RaftOptions.builder("a").seed(1).build(), store, new HardState(1, null, 1));
        a.campaign();
        assertThat(a.role()).isEqualTo(Role.LEADER);
        Ready ready = a.ready();
        assertThat(ready.hardState().term()).isEqualTo(2);
        assertThat(ready.messages()).isEmpty();
        assertThat(ready.messagesAfterPersist()).anySatisfy(m -> assertThat(m).isInstanceOf(Message.AppendRequest.class));

        // The learner answers; the leader's next entries still wait while nothing of its term is durable.
        a.step(new Message.AppendResponse("b", "a", 2, true, 2, 0, 0, 0));
        a.propose("x".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Ready second = a.ready();
        assertThat(second.messages()).noneSatisfy(m -> assertThat(m).isInstanceOf(Message.AppendRequest.class));
        assertThat(second.messagesAfterPersist()).anySatisfy(m ->
                assertThat(m).isInstanceOf(Message.AppendRequest.class));

        // Once an entry of its term is durable, the leader sends while it writes, as any leader does.
        store.append(ready.entries()); // the driver's writes of both Readies, now durable
        store.append(second.entries());
        a.persisted(3, 2);
        a.step(new Message.AppendResponse("b", "a", 2, true, 3, 0, 0, 0));
        a.propose("y".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(a.ready().messages()).anySatisfy(m -> assertThat(m).isInstanceOf(Message.AppendRequest.class));
    }
}
