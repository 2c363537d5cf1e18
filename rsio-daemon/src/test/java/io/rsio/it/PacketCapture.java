package io.rsio.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** tcpdump on the loopback interface for one TCP port, written to a pcap file (needs root). */
final class PacketCapture implements AutoCloseable {
    private final Process tcpdump;
    private final Path file;
    private final Path log;

    private PacketCapture(Process tcpdump, Path file, Path log) {
        this.tcpdump = tcpdump;
        this.file = file;
        this.log = log;
    }

    static PacketCapture start(int port, Path file) throws IOException, InterruptedException {
        Path log = file.resolveSibling(file.getFileName() + ".log");
        Process p = new ProcessBuilder(List.of("tcpdump", "-i", "lo", "-U", "-n", "-s", "0", "-B", "16384", "-w", file.toString(),
                "tcp port " + port)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(Files.exists(log) && Files.readString(log).contains("listening on"))) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new AssertionError("tcpdump did not start: " + (Files.exists(log) ? Files.readString(log) : ""));
            }
            Thread.sleep(50);
        }
        return new PacketCapture(p, file, log);
    }

    /** Stops the capture and returns the pcap file's bytes. */
    byte[] stop() throws IOException, InterruptedException {
        Thread.sleep(300); // the last packets on their way to the file
        tcpdump.destroy();
        if (!tcpdump.waitFor(10, TimeUnit.SECONDS)) {
            tcpdump.destroyForcibly();
        }
        return Files.readAllBytes(file);
    }

    @Override
    public void close() {
        tcpdump.destroyForcibly();
    }
}
