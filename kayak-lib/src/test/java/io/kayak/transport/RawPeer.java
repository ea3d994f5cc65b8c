package io.kayak.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.kayak.transport.proto.RaftProto.Frame;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A hand-driven peer on a plain blocking socket, for putting exact bytes on the wire: malformed frames,
 * misaddressed messages, handshakes that never finish. Reads time out instead of hanging a test.
 */
final class RawPeer implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;

    RawPeer(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(10_000);
        this.in = new DataInputStream(socket.getInputStream());
        this.out = new DataOutputStream(socket.getOutputStream());
    }

    static RawPeer connect(InetSocketAddress address) throws IOException {
        return new RawPeer(new Socket(address.getAddress(), address.getPort()));
    }

    void writeFrame(Frame frame) throws IOException {
        byte[] body = frame.toByteArray();
        out.writeInt(body.length);
        out.write(body);
        out.flush();
    }

    void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    Frame readFrame() throws IOException {
        int length = in.readInt();
        byte[] body = new byte[length];
        in.readFully(body);
        return Frame.parseFrom(body);
    }

    /** Opens the connection as member {@code from} of {@code cluster} and expects it accepted. */
    void handshake(String cluster, String from, String to) throws IOException {
        writeFrame(Handshake.hello(cluster, from, to));
        assertThat(readFrame().getHelloReply().getAccepted()).isTrue();
    }

    /** Asserts that the other side closes the connection (within the read timeout) without sending more. */
    void assertClosedByPeer() throws IOException {
        try {
            int next = in.read();
            assertThat(next).as("the peer must close the connection without sending anything").isEqualTo(-1);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the peer kept the connection open", e);
        } catch (IOException reset) {
            // A reset is a close too: the peer may have closed with our bytes still unread.
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
