package io.github.rwrouting.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Loopback TCP ports. */
final class Ports {

    private Ports() {
    }

    private static final int LOWEST = 10_000;
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    /**
     * Distinct ports that are free right now. They are taken below the kernel's ephemeral range where it is
     * known: a port from that range may become the local port of some outgoing connection while its server is
     * stopped, and the server could then not start again on it.
     */
    static List<Integer> free(int count) {
        int below = ephemeralRangeStart();
        List<Integer> ports = new ArrayList<>();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; ports.size() < count && below - LOWEST > 1000 && attempt < 1000; attempt++) {
            int candidate = random.nextInt(LOWEST, below);
            if (!ports.contains(candidate) && bindable(candidate)) {
                ports.add(candidate);
            }
        }
        while (ports.size() < count) {
            int candidate = anyFree();
            if (!ports.contains(candidate)) {
                ports.add(candidate);
            }
        }
        return ports;
    }

    private static int ephemeralRangeStart() {
        try {
            // not Files.readString: it trusts the size procfs reports and may return a truncated value
            return Integer.parseInt(Files.readAllLines(EPHEMERAL_RANGE).get(0).strip().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return LOWEST; // unknown (e.g. macOS): let the kernel choose
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(PostgresNode.HOST), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int anyFree() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(PostgresNode.HOST), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not find a free loopback port", e);
        }
    }

    static boolean accepting(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(PostgresNode.HOST, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
