package io.lightmem.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on loopback in front of a real server, which can drop or stall connections: the
 * network faults a client must survive, with the real service behind it. Counts connections.
 */
public final class FaultyProxy implements AutoCloseable {

    public enum Fault {
        /** Accept, then close at once: the client sees the connection fail (UNAVAILABLE). */
        DROP,
        /** Accept and never answer: the client runs into its deadline (DEADLINE_EXCEEDED). */
        STALL
    }

    private final ServerSocket server;
    private final int targetPort;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger faultsLeft = new AtomicInteger();
    private volatile long faultyUntil = Long.MIN_VALUE;
    private volatile Fault fault = Fault.DROP;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    public FaultyProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "faulty-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The next {@code count} connections get {@code fault}; later ones are forwarded. */
    public void failNext(int count, Fault fault) {
        this.fault = fault;
        faultsLeft.set(count);
    }

    /** Connections made in the next {@code window} get {@code fault}; later ones are forwarded. */
    public void failFor(java.time.Duration window, Fault fault) {
        this.fault = fault;
        faultyUntil = System.nanoTime() + window.toNanos();
    }

    public int connections() {
        return connections.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                connections.incrementAndGet();
                open.add(client);
                if (faultsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0 || System.nanoTime() < faultyUntil) {
                    if (fault == Fault.DROP) {
                        client.close();
                    } // STALL: keep it open, read nothing, answer nothing
                    continue;
                }
                Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                open.add(target);
                pipe(client, target);
                pipe(target, client);
            } catch (IOException e) {
                // closed, or the target refused: the client sees its connection end
            }
        }
    }

    private void pipe(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
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
    public void close() throws IOException {
        server.close();
        open.forEach(FaultyProxy::closeQuietly);
    }
}
