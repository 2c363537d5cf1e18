package io.rsio.it;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What a crash-test writer has done to each block: the newest generation issued, the newest
 * acknowledged, and the newest made durable (acknowledged before a FLUSH that completed, or
 * written with FUA). A block is written by at most one request at a time, so its generations
 * are issued in order and the versions a block may hold after a crash form one range.
 */
final class WriteLedger {
    private final int blocks;
    private final long[] issued;
    private final long[] acked;
    private final long[] durable;
    private final boolean[] busy;
    private long nextGeneration = 1;
    private long ackedWrites;
    private long flushes;

    WriteLedger(int blocks) {
        this.blocks = blocks;
        this.issued = new long[blocks];
        this.acked = new long[blocks];
        this.durable = new long[blocks];
        this.busy = new boolean[blocks];
    }

    int blocks() {
        return blocks;
    }

    /**
     * Claims a run of up to {@code run} adjacent blocks that no write holds, starting at a
     * random block, and issues a new generation for each; null when the start is taken.
     */
    synchronized long[] claim(SplittableRandom random, int run) {
        int start = random.nextInt(blocks);
        int n = 0;
        while (n < run && start + n < blocks && !busy[start + n]) {
            n++;
        }
        if (n == 0) {
            return null;
        }
        long[] claim = new long[n + 1];
        claim[0] = start;
        for (int i = 0; i < n; i++) {
            busy[start + i] = true;
            long g = nextGeneration++;
            issued[start + i] = g;
            claim[i + 1] = g;
        }
        return claim;
    }

    /** The write of {@code claim} was acknowledged (with FUA: it is durable too). */
    synchronized void acknowledged(long[] claim, boolean fua) {
        int start = (int) claim[0];
        for (int i = 1; i < claim.length; i++) {
            int b = start + i - 1;
            acked[b] = Math.max(acked[b], claim[i]);
            if (fua) {
                durable[b] = Math.max(durable[b], claim[i]);
            }
            busy[b] = false;
        }
        ackedWrites++;
    }

    /** The write of {@code claim} failed or its connection died: its fate is unknown. */
    synchronized void abandoned(long[] claim) {
        int start = (int) claim[0];
        for (int i = 1; i < claim.length; i++) {
            busy[start + i - 1] = false;
        }
    }

    synchronized long[] ackedSnapshot() {
        return acked.clone();
    }

    synchronized long[] issuedSnapshot() {
        return issued.clone();
    }

    synchronized long[] durableSnapshot() {
        return durable.clone();
    }

    /** A FLUSH sent when {@code ackedAtSend} was the acknowledged state has completed. */
    synchronized void flushed(long[] ackedAtSend) {
        for (int b = 0; b < blocks; b++) {
            durable[b] = Math.max(durable[b], ackedAtSend[b]);
        }
        flushes++;
    }

    synchronized long ackedWrites() {
        return ackedWrites;
    }

    synchronized long flushes() {
        return flushes;
    }

    synchronized boolean idle() {
        for (boolean b : busy) {
            if (b) {
                return false;
            }
        }
        return true;
    }

    /**
     * Checks a volume image: every block must be unwritten or a valid version of itself with
     * a generation from {@code floor[b]} (what must have survived) to {@code ceiling[b]} (the
     * newest that could have been written). Returns the problems, at most 20.
     */
    static List<String> check(byte[] volume, long[] floor, long[] ceiling, String floorName) {
        List<String> problems = new ArrayList<>();
        int blocks = Math.min(floor.length, volume.length / StampedBlocks.SIZE);
        for (int b = 0; b < blocks && problems.size() < 20; b++) {
            StampedBlocks.Content c = StampedBlocks.parse(volume, b * StampedBlocks.SIZE, b);
            switch (c) {
                case StampedBlocks.Content.Unwritten u -> {
                    if (floor[b] != 0) {
                        problems.add("block " + b + ": unwritten, but generation " + floor[b] + " was " + floorName);
                    }
                }
                case StampedBlocks.Content.Version v -> {
                    if (v.generation() < floor[b]) {
                        problems.add("block " + b + ": holds generation " + v.generation() + ", older than generation "
                                + floor[b] + " which was " + floorName);
                    } else if (v.generation() > ceiling[b]) {
                        problems.add("block " + b + ": holds generation " + v.generation()
                                + ", never written to it (newest issued " + ceiling[b] + ")");
                    }
                }
                case StampedBlocks.Content.Corrupt x -> problems.add("block " + b + ": corrupt: " + x.why());
            }
        }
        return problems;
    }

    @Override
    public synchronized String toString() {
        return "ledger: " + ackedWrites + " acknowledged writes, " + flushes + " flushes, next generation "
                + nextGeneration + ", " + Arrays.stream(acked).filter(g -> g != 0).count() + " of " + blocks
                + " blocks written";
    }
}
