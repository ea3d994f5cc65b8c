package io.kayak.cli;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;

class ServerLinesTest {
    private static InetSocketAddress loopback(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }

    @Test
    void aReadyLineSaysEveryAddressAndReadsBack() {
        String line = ServerLines.ready("a", "127.0.0.1:40000", loopback(41234), loopback(41235), loopback(41236),
                false);
        assertThat(line).isEqualTo("kayak server ready: id=a peers=127.0.0.1:40000 listen=127.0.0.1:41234"
                + " http=127.0.0.1:41235 resp=127.0.0.1:41236 resumed=false");
        assertThat(ServerLines.parseReady(line)).contains(new ServerLines.Ready("a", new HostPort("127.0.0.1", 40000),
                new HostPort("127.0.0.1", 41234), new HostPort("127.0.0.1", 41235), new HostPort("127.0.0.1", 41236),
                false));
    }

    @Test
    void withoutRespTheFieldIsAbsentAndUnknownFieldsAreIgnored() {
        String line = ServerLines.ready("b", "127.0.0.1:1", loopback(2), loopback(3), null, true);
        assertThat(line).doesNotContain("resp=");
        ServerLines.Ready ready = ServerLines.parseReady(line + " later=field").orElseThrow();
        assertThat(ready.resp()).isNull();
        assertThat(ready.resumed()).isTrue();
        assertThat(ready.http()).isEqualTo(new HostPort("127.0.0.1", 3));
    }

    @Test
    void aListeningLineNamesTheBoundPeerAddressAndIpv6HostsAreBracketed() {
        assertThat(ServerLines.parseListening(ServerLines.listening(loopback(41234))))
                .contains(new HostPort("127.0.0.1", 41234));
        String ipv6 = ServerLines.listening(new InetSocketAddress("::1", 7000));
        assertThat(ipv6).startsWith("kayak server listening: listen=[").endsWith("]:7000");
        assertThat(ServerLines.parseListening(ipv6).orElseThrow().port()).isEqualTo(7000);
    }

    @Test
    void otherLinesAreNeitherKind() {
        String log = "12:00:00.000 [main] INFO RaftHost - a: started at 127.0.0.1:41234 with log [1, 1]";
        assertThat(ServerLines.parseReady(log)).isEmpty();
        assertThat(ServerLines.parseListening(log)).isEmpty();
        assertThat(ServerLines.parseListening(ServerLines.ready("a", "h:1", loopback(2), loopback(3), null, false)))
                .isEmpty();
    }
}
