package io.lightmem.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback in front of a real server (PostgreSQL, a model service), which can make the
 * network fail the ways a client must survive, with the real server behind it: a server that
 * refuses connections, one that stops answering altogether, connections that die without a word
 * (half-open), a slow link; and single connections dropped or stalled. Counts connections.
 */
public final class FaultyProxy implements AutoCloseable {

    /** What happens to the next connections ({@link #failNext}, {@link #failFor}). */
    public enum Fault {
        /** Accept, then close at once: the client sees the connection fail (UNAVAILABLE). */
        DROP,
        /** Accept and never answer: the client runs into its deadline (DEADLINE_EXCEEDED). */
        STALL
    }

    /** The state of the whole link ({@link #set}). */
    public enum Network {
        /** Everything is forwarded. */
        UP,
        /**
         * The server is down: its connections are reset and connecting fails at once (connection
         * refused).
         */
        REFUSE,
        /**
         * Nothing gets through, in either direction, on any connection: new connections are accepted
         * but never answered, established ones carry nothing (a partition, a host that vanished).
         */
        BLACKHOLE,
        /**
         * The connections open now stay open but carry nothing any more, without being closed (half-open
         * TCP: a NAT or firewall forgot them, the peer's host rebooted); new connections work.
         */
        HALF_OPEN
    }

    private final int port;
    private final int targetPort;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger faultsLeft = new AtomicInteger();
    private final AtomicLong generation = new AtomicLong();
    private volatile long faultyUntil = Long.MIN_VALUE;
    private volatile Fault fault = Fault.DROP;
    private volatile Network network = Network.UP;
    /** Connections of a generation below this carry nothing (HALF_OPEN). */
    private volatile long deadBelow = Long.MIN_VALUE;
    private volatile Duration latency = Duration.ZERO;
    private volatile ServerSocket server;
    private volatile boolean closed;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    public FaultyProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = listen(0);
        this.port = server.getLocalPort();
        this.acceptor = new Thread(this::accept, "faulty-proxy-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return port;
    }

    /** The next {@code count} connections get {@code fault}; later ones are forwarded. */
    public void failNext(int count, Fault fault) {
        this.fault = fault;
        faultsLeft.set(count);
    }

    /** Connections made in the next {@code window} get {@code fault}; later ones are forwarded. */
    public void failFor(Duration window, Fault fault) {
        this.fault = fault;
        faultyUntil = System.nanoTime() + window.toNanos();
    }

    /** Puts the link in this state; {@link Network#UP} ends any fault (half-open connections stay dead). */
    public synchronized void set(Network state) throws IOException {
        if (state == Network.HALF_OPEN) {
            deadBelow = generation.incrementAndGet();
        }
        if (state == Network.REFUSE && !server.isClosed()) {
            server.close();
            open.forEach(FaultyProxy::closeQuietly);
            open.clear();
        } else if (state != Network.REFUSE && server.isClosed() && !closed) {
            server = listen(port);
            notifyAll();
        }
        network = state == Network.HALF_OPEN ? Network.UP : state;
    }

    /** Delays every chunk of data forwarded in either direction by {@code delay} (zero: none). */
    public void slowDown(Duration delay) {
        latency = delay;
    }

    public int connections() {
        return connections.get();
    }

    private static ServerSocket listen(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        return socket;
    }

    private void accept() {
        while (!closed) {
            ServerSocket listening = awaitListening();
            if (listening == null) {
                return;
            }
            try {
                Socket client = listening.accept();
                connections.incrementAndGet();
                open.add(client);
                if (faultsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0 || System.nanoTime() < faultyUntil) {
                    if (fault == Fault.DROP) {
                        client.close();
                    } // STALL: keep it open, read nothing, answer nothing
                    continue;
                }
                if (network == Network.BLACKHOLE) {
                    continue; // accepted, never answered
                }
                Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                open.add(target);
                long connection = generation.get();
                pipe(client, target, connection);
                pipe(target, client, connection);
            } catch (IOException e) {
                // closed (refusing, or the proxy closed), or the target refused: the client sees its connection end
            }
        }
    }

    private synchronized ServerSocket awaitListening() {
        while (server.isClosed() && !closed) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return closed ? null : server;
    }

    private void pipe(Socket from, Socket to, long connection) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    Duration delay = latency;
                    if (!delay.isZero()) {
                        Thread.sleep(delay.toMillis());
                    }
                    if (network == Network.BLACKHOLE || connection < deadBelow) {
                        continue; // swallowed: nothing arrives, nothing is closed
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // one side closed
            } finally {
                if (connection >= deadBelow || closed) {
                    closeQuietly(from);
                    closeQuietly(to);
                } // a half-open connection is never closed by the "network"
            }
        }, "faulty-proxy-pipe");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        notifyAll();
        try {
            server.close();
        } catch (SocketException e) {
            // already closed
        }
        open.forEach(FaultyProxy::closeQuietly);
    }
}
