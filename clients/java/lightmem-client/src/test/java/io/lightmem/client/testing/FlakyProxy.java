package io.lightmem.client.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on loopback in front of the real service that can fail the next connections the ways a
 * network and a restarting service do. Between client and service it is byte-for-byte transparent.
 */
public final class FlakyProxy implements AutoCloseable {

    public enum Fault {
        /** Accept and close at once, as a service not (yet) listening: the call fails before it is sent. */
        REFUSE,
        /** Accept and never answer: the call runs into its deadline. */
        STALL,
        /**
         * Forward the call, then cut the connection when the service starts to answer it (its first HTTP/2
         * HEADERS frame of a stream): the service did the work, the client never hears of it.
         */
        CUT_AT_RESPONSE
    }

    private static final int FRAME_HEADERS = 0x1;

    private final ServerSocket server;
    private final int targetPort;
    private final ConcurrentLinkedQueue<Fault> faults = new ConcurrentLinkedQueue<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    public FlakyProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon("flaky-proxy-accept", this::accept);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The next {@code count} connections get this fault; later ones are forwarded. */
    public void failNext(int count, Fault fault) {
        for (int i = 0; i < count; i++) {
            faults.add(fault);
        }
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                connections.incrementAndGet();
                sockets.add(client);
                Fault fault = faults.poll();
                if (fault == Fault.REFUSE) {
                    client.close();
                    continue;
                }
                if (fault == Fault.STALL) {
                    daemon("flaky-proxy-stall", () -> drain(client));
                    continue;
                }
                Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                sockets.add(target);
                daemon("flaky-proxy-up", () -> copy(client, target));
                boolean cut = fault == Fault.CUT_AT_RESPONSE;
                daemon("flaky-proxy-down", () -> {
                    if (cut) {
                        copyUntilResponse(target, client);
                    } else {
                        copy(target, client);
                    }
                });
            } catch (IOException e) {
                // the proxy was closed, or the service refused: the client sees its connection end
            }
        }
    }

    private static void copy(Socket from, Socket to) {
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
    }

    /** Forwards the service's HTTP/2 frames (9-byte header, then the payload) until it answers a stream. */
    private static void copyUntilResponse(Socket service, Socket client) {
        try (DataInputStream in = new DataInputStream(service.getInputStream());
                OutputStream out = client.getOutputStream()) {
            byte[] header = new byte[9];
            while (true) {
                in.readFully(header);
                int length = ((header[0] & 0xff) << 16) | ((header[1] & 0xff) << 8) | (header[2] & 0xff);
                int type = header[3] & 0xff;
                int stream = ((header[5] & 0x7f) << 24) | ((header[6] & 0xff) << 16) | ((header[7] & 0xff) << 8)
                        | (header[8] & 0xff);
                if (type == FRAME_HEADERS && stream != 0) {
                    return; // the answer begins: cut here
                }
                byte[] payload = new byte[length];
                in.readFully(payload);
                out.write(header);
                out.write(payload);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed
        } finally {
            closeQuietly(service);
            closeQuietly(client);
        }
    }

    private static void drain(Socket socket) {
        try (InputStream in = socket.getInputStream()) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            // closed
        }
    }

    private static void daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
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
        sockets.forEach(FlakyProxy::closeQuietly);
    }
}
