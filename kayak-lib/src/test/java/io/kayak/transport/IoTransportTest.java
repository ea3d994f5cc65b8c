package io.kayak.transport;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class IoTransportTest {
    @Test
    void linuxOnX86SixtyFourUsesTheNativeEpollTransport() {
        assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux"));
        assumeTrue(System.getProperty("os.arch").equals("amd64"));
        // Fails when the native library is not packaged or does not load: sockets would silently fall back to NIO.
        assertThat(IoTransport.epoll()).isTrue();
        assertThat(IoTransport.socketChannel().getSimpleName()).startsWith("Epoll");
    }
}
