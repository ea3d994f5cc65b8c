package io.kayak.transport;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * Which Netty I/O transport sockets use: Linux's native epoll when its library loads (fewer system calls and
 * quicker wake-ups on every message, which matters most for one-at-a-time writes), otherwise Java NIO. Set the
 * system property {@code kayak.transport.nio=true} to force NIO.
 */
public final class IoTransport {
    private static final boolean EPOLL = !Boolean.getBoolean("kayak.transport.nio") && Epoll.isAvailable();

    private IoTransport() {
    }

    /** Whether sockets use epoll. */
    public static boolean epoll() {
        return EPOLL;
    }

    public static IoHandlerFactory ioHandlerFactory() {
        return EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    public static Class<? extends ServerSocketChannel> serverChannel() {
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public static Class<? extends SocketChannel> socketChannel() {
        return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }
}
