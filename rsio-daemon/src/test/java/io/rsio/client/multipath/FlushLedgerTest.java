package io.rsio.client.multipath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FlushLedgerTest {
    private static final UUID BOOT_1 = UUID.fromString("11111111-1111-1111-1111-111111111111");
    private static final UUID BOOT_2 = UUID.fromString("22222222-2222-2222-2222-222222222222");

    @Test
    void aServerIsUnflushedFromItsFirstAcknowledgedWriteUntilAFlushCoversIt() {
        FlushLedger ledger = new FlushLedger();
        assertEquals(List.of(), ledger.unflushed());
        ledger.acknowledged(1, BOOT_1);
        ledger.acknowledged(2, BOOT_1);
        long covers = ledger.mark(2);
        ledger.acknowledged(2, BOOT_1); // acknowledged after the FLUSH went out: not covered
        assertEquals(List.of(1, 2), ledger.unflushed());
        ledger.flushed(2, BOOT_1, covers);
        assertEquals(List.of(1, 2), ledger.unflushed());
        assertEquals(1, ledger.unflushedWrites(2));
        ledger.flushed(2, BOOT_1, ledger.mark(2));
        ledger.flushed(1, BOOT_1, ledger.mark(1));
        assertEquals(List.of(), ledger.unflushed());
    }

    @Test
    void reconnectingToTheSameInstanceLosesNothing() {
        FlushLedger ledger = new FlushLedger();
        ledger.acknowledged(1, BOOT_1);
        assertNull(ledger.connected(1, BOOT_1), "an rssrv restart on the same host keeps the page cache");
        assertEquals(List.of(1), ledger.unflushed());
        assertNull(ledger.takeLoss(1));
    }

    @Test
    void anotherInstanceWithUnflushedWritesIsALossReportedOnce() {
        FlushLedger ledger = new FlushLedger();
        ledger.acknowledged(1, BOOT_1);
        ledger.acknowledged(1, BOOT_1);
        FlushLedger.Loss loss = ledger.connected(1, BOOT_2);
        assertNotNull(loss);
        assertEquals(2, loss.writes());
        assertTrue(loss.why().contains("another instance"), loss.why());
        assertEquals(List.of(), ledger.unflushed(), "nothing a FLUSH could still save");
        assertEquals(List.of(1), ledger.unreportedLosses());
        assertNotNull(ledger.takeLoss(1));
        assertNull(ledger.takeLoss(1), "reported once, like a write-back error to fsync");
        ledger.acknowledged(1, BOOT_2);
        assertNull(ledger.connected(1, BOOT_2));
    }

    @Test
    void anotherInstanceWithoutUnflushedWritesIsNoLoss() {
        FlushLedger ledger = new FlushLedger();
        ledger.acknowledged(1, BOOT_1);
        ledger.flushed(1, BOOT_1, ledger.mark(1));
        assertNull(ledger.connected(1, BOOT_2));
        assertEquals(List.of(), ledger.unreportedLosses());
    }

    @Test
    void aServerThatDoesNotTellItsInstanceCannotProveItKeptTheWrites() {
        FlushLedger ledger = new FlushLedger();
        ledger.acknowledged(1, null);
        ledger.acknowledged(1, null); // the same connection: fine
        assertNull(ledger.takeLoss(1));
        FlushLedger.Loss loss = ledger.connected(1, null);
        assertNotNull(loss, "after a reconnect nobody can tell a reboot from a blip");
        assertTrue(loss.why().contains("without telling its instance"), loss.why());
    }

    @Test
    void aFlushAnsweredByAnotherInstanceDoesNotCountAsDurable() {
        FlushLedger ledger = new FlushLedger();
        ledger.acknowledged(1, BOOT_1);
        ledger.flushed(1, BOOT_2, ledger.mark(1));
        assertEquals(List.of(1), ledger.unflushed());
    }

    @Test
    void aServerRemovedWithUnflushedWritesIsALossOneWithoutIsSimplyForgotten() {
        FlushLedger ledger = new FlushLedger();
        ledger.acknowledged(1, BOOT_1);
        ledger.acknowledged(2, BOOT_1);
        ledger.flushed(2, BOOT_1, ledger.mark(2));
        assertNull(ledger.forget(2));
        assertEquals(java.util.Set.of(1), ledger.servers());
        FlushLedger.Loss loss = ledger.forget(1);
        assertNotNull(loss);
        assertTrue(loss.why().contains("removed from the configuration"), loss.why());
        assertEquals(List.of(), ledger.unflushed(), "no FLUSH waits for a server that has no path");
        assertNotNull(ledger.takeLoss(1));
    }
}
