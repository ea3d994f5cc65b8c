package io.kayak.chaos;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DialerLookupTest {
    @Test
    void findsTheProcessThatDialledALoopbackConnection() throws Exception {
        Assumptions.assumeTrue(DialerLookup.available(), "Linux /proc only");
        long self = ProcessHandle.current().pid();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket dialer = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket accepted = server.accept()) {
            assertThat(DialerLookup.dialer(accepted.getPort(), server.getLocalPort(), List.of(self)))
                    .hasValue(self);
            assertThat(DialerLookup.dialer(accepted.getPort(), server.getLocalPort(), List.of(self + 1_000_000)))
                    .isEmpty();
            assertThat(dialer.isConnected()).isTrue();
        }
    }
}
