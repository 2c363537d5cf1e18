package io.rsio.nbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.rsio.block.MemoryBlockTarget;
import io.rsio.block.NettyLeakCheck;
import io.rsio.nbd.protocol.ChunkType;
import io.rsio.nbd.protocol.InfoType;
import io.rsio.nbd.protocol.NbdCommand;
import io.rsio.nbd.protocol.NbdError;
import io.rsio.nbd.protocol.NbdOption;
import io.rsio.nbd.protocol.NbdProtocol;
import io.rsio.nbd.protocol.OptionReplyType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Option haggling over a real unix socket, one case per rule; named by who does what. */
@Tag("io")
@ExtendWith(NettyLeakCheck.class)
class HandshakeTest {
    private static final byte[] NONE = new byte[0];

    @TempDir
    Path dir;
    private TestServer server;
    private final MemoryBlockTarget alpha = new MemoryBlockTarget("alpha", 1 << 20, 4096, 256 * 1024, false);
    private final MemoryBlockTarget beta = new MemoryBlockTarget("beta", 2 << 20, 512, 1 << 20, true);

    @BeforeEach
    void start() {
        server = TestServer.start(dir, alpha, beta);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static String text(RawNbdClient.OptionReply r) {
        return new String(r.data(), StandardCharsets.UTF_8);
    }

    @Test
    void serverGreetsWithFixedNewstyleAndNoZeroes() throws Exception {
        try (RawNbdClient c = server.connect()) {
            assertEquals(NbdProtocol.HANDSHAKE_FLAG_FIXED_NEWSTYLE | NbdProtocol.HANDSHAKE_FLAG_NO_ZEROES, c.readGreeting());
        }
    }

    @Test
    void clientWithUnknownFlagsIsDisconnected() throws Exception {
        try (RawNbdClient c = server.connect()) {
            c.readGreeting();
            c.sendClientFlags(0x7);
            assertTrue(c.closedByServer(RawNbdClient.TIMEOUT));
        }
    }

    @Test
    void clientOptionUnknownToTheServerGetsUnsupAndHagglingGoesOn() throws Exception {
        try (RawNbdClient c = server.connect().handshake()) {
            List<RawNbdClient.OptionReply> r = c.option(11, new byte[] {1, 2, 3}); // EXTENDED_HEADERS
            assertEquals(1, r.size());
            assertTrue(r.getFirst().is(OptionReplyType.ERR_UNSUP));
            assertEquals(11, r.getFirst().option());
            assertTrue(c.option(NbdOption.LIST, NONE).getLast().is(OptionReplyType.ACK));
        }
    }

    @Test
    void clientAskingForTlsIsToldPolicyForbidsIt() throws Exception {
        try (RawNbdClient c = server.connect().handshake()) {
            RawNbdClient.OptionReply r = c.option(NbdOption.STARTTLS, NONE).getFirst();
            assertTrue(r.is(OptionReplyType.ERR_POLICY), text(r));
        }
    }

    @Test
    void listNamesEveryExportWithADescription() throws Exception {
        try (RawNbdClient c = server.connect().handshake()) {
            List<RawNbdClient.OptionReply> r = c.option(NbdOption.LIST, NONE);
            assertEquals(3, r.size());
            ByteBuffer first = ByteBuffer.wrap(r.get(0).data());
            int n = first.getInt();
            assertEquals("alpha", new String(r.get(0).data(), 4, n, StandardCharsets.UTF_8));
            assertTrue(text(r.get(1)).contains("beta") && text(r.get(1)).contains("read-only"));
            assertTrue(r.get(2).is(OptionReplyType.ACK));
            assertTrue(c.option(NbdOption.LIST, new byte[] {1}).getFirst().is(OptionReplyType.ERR_INVALID));
        }
    }

    @Test
    void infoOnTheDefaultExportGivesSizeFlagsBlockSizesNameAndDescription() throws Exception {
        try (RawNbdClient c = server.connect().handshake()) {
            List<RawNbdClient.OptionReply> r = c.option(NbdOption.INFO,
                    RawNbdClient.exportRequest("", InfoType.NAME.value(), InfoType.DESCRIPTION.value(),
                            InfoType.BLOCK_SIZE.value(), 999));
            assertTrue(r.getLast().is(OptionReplyType.ACK));
            boolean export = false;
            boolean sizes = false;
            boolean name = false;
            for (RawNbdClient.OptionReply i : r.subList(0, r.size() - 1)) {
                assertTrue(i.is(OptionReplyType.INFO));
                ByteBuffer d = ByteBuffer.wrap(i.data());
                switch (d.getShort()) {
                    case 0 -> {
                        assertEquals(12, i.data().length);
                        assertEquals(1 << 20, d.getLong());
                        export = true;
                    }
                    case 1 -> name = new String(i.data(), 2, i.data().length - 2, StandardCharsets.UTF_8).equals("alpha");
                    case 2 -> assertTrue(text(i).contains("alpha"));
                    case 3 -> {
                        assertEquals(14, i.data().length);
                        assertEquals(4096, d.getInt());
                        assertEquals(4096, d.getInt());
                        assertEquals(256 * 1024, d.getInt());
                        sizes = true;
                    }
                    default -> throw new AssertionError("unexpected info " + d.getShort(0));
                }
            }
            assertTrue(export && sizes && name, "EXPORT, BLOCK_SIZE and NAME were all sent");
            // INFO does not end the handshake
            assertTrue(c.option(NbdOption.LIST, NONE).getLast().is(OptionReplyType.ACK));
        }
    }

    @Test
    void clientAskingForAnUnknownExportGetsUnknownAndMayRetry() throws Exception {
        try (RawNbdClient c = server.connect().handshake()) {
            RawNbdClient.OptionReply r = c.option(NbdOption.GO, RawNbdClient.exportRequest("gamma")).getFirst();
            assertTrue(r.is(OptionReplyType.ERR_UNKNOWN), text(r));
            assertTrue(text(r).contains("gamma"));
            assertEquals(2 << 20, c.go("beta", false, false).size());
        }
    }

    @Test
    void clientSendingAMalformedInfoGetsInvalid() throws Exception {
        try (RawNbdClient c = server.connect().handshake()) {
            byte[] bad = ByteBuffer.allocate(6).putInt(50).putShort((short) 0).array();
            assertTrue(c.option(NbdOption.INFO, bad).getFirst().is(OptionReplyType.ERR_INVALID));
            assertTrue(c.option(NbdOption.STRUCTURED_REPLY, new byte[] {1}).getFirst().is(OptionReplyType.ERR_INVALID));
        }
    }

    @Test
    void metaContextsNeedStructuredRepliesFirst() throws Exception {
        try (RawNbdClient c = server.connect().handshake()) {
            byte[] q = RawNbdClient.metaContextRequest("alpha", NbdProtocol.BASE_ALLOCATION);
            assertTrue(c.option(NbdOption.SET_META_CONTEXT, q).getFirst().is(OptionReplyType.ERR_INVALID));
            assertTrue(c.option(NbdOption.LIST_META_CONTEXT, q).getFirst().is(OptionReplyType.ERR_INVALID));
        }
    }

    @Test
    void listMetaContextOffersBaseAllocation() throws Exception {
        try (RawNbdClient c = server.connect().handshake()) {
            c.option(NbdOption.STRUCTURED_REPLY, NONE);
            for (String[] queries : new String[][] {{}, {"base:"}, {"base:allocation"}}) {
                List<RawNbdClient.OptionReply> r = c.option(NbdOption.LIST_META_CONTEXT,
                        RawNbdClient.metaContextRequest("alpha", queries));
                assertEquals(2, r.size(), () -> List.of(queries).toString());
                assertTrue(r.get(0).is(OptionReplyType.META_CONTEXT));
                assertEquals(NbdProtocol.BASE_ALLOCATION, new String(r.get(0).data(), 4, r.get(0).data().length - 4,
                        StandardCharsets.UTF_8));
            }
            List<RawNbdClient.OptionReply> none = c.option(NbdOption.LIST_META_CONTEXT,
                    RawNbdClient.metaContextRequest("alpha", "qemu:dirty-bitmap:x", "base:nothing"));
            assertEquals(1, none.size(), "unknown contexts are ignored");
            assertTrue(none.getFirst().is(OptionReplyType.ACK));
        }
    }

    @Test
    void metaContextSetForAnotherExportDoesNotCarryOver() throws Exception {
        try (RawNbdClient c = server.connect().handshake()) {
            c.option(NbdOption.STRUCTURED_REPLY, NONE);
            List<RawNbdClient.OptionReply> set = c.option(NbdOption.SET_META_CONTEXT,
                    RawNbdClient.metaContextRequest("beta", NbdProtocol.BASE_ALLOCATION));
            assertEquals(NbdProtocol.BASE_ALLOCATION_CONTEXT_ID, ByteBuffer.wrap(set.getFirst().data()).getInt());
            c.go("alpha", false, false);
            c.sendRequest(0, NbdCommand.BLOCK_STATUS.value(), 1, 0, 4096, null);
            RawNbdClient.Reply r = c.readReply();
            assertEquals(ChunkType.ERROR.value(), r.type());
            assertEquals(NbdError.EINVAL.value(), r.chunkError());
        }
    }

    @Test
    void defaultExportMetaContextMatchesTheNamedExport() throws Exception {
        // qemu sets the context with the name it will use in GO; "" and "alpha" are the same export
        try (RawNbdClient c = server.connect().handshake()) {
            c.option(NbdOption.STRUCTURED_REPLY, NONE);
            c.option(NbdOption.SET_META_CONTEXT, RawNbdClient.metaContextRequest("", NbdProtocol.BASE_ALLOCATION));
            c.go("alpha", false, false);
            c.sendRequest(0, NbdCommand.BLOCK_STATUS.value(), 1, 0, 4096, null);
            assertEquals(ChunkType.BLOCK_STATUS.value(), c.readReply().type());
        }
    }

    @Test
    void oversizedOptionIsRefusedAsTooBigAndHagglingGoesOn() throws Exception {
        try (RawNbdClient c = server.connect().handshake()) {
            RawNbdClient.OptionReply r = c.option(NbdOption.INFO, new byte[NbdProtocol.MAX_OPTION_LENGTH + 1]).getFirst();
            assertTrue(r.is(OptionReplyType.ERR_TOO_BIG));
            assertEquals(1 << 20, c.go("alpha", true, true).size());
        }
    }

    @Test
    void abortIsAcknowledgedThenTheServerHangsUp() throws Exception {
        try (RawNbdClient c = server.connect().handshake()) {
            assertTrue(c.option(NbdOption.ABORT, NONE).getFirst().is(OptionReplyType.ACK));
            assertTrue(c.closedByServer(RawNbdClient.TIMEOUT));
        }
    }

    @Test
    void clientSendingBadOptionMagicIsDisconnected() throws Exception {
        try (RawNbdClient c = server.connect().handshake()) {
            c.sendRaw(ByteBuffer.allocate(16).putLong(0x1234).putInt(3).putInt(0).array());
            assertTrue(c.closedByServer(RawNbdClient.TIMEOUT));
        }
    }

    @Test
    void exportNameForAnUnknownExportIsAHangUp() throws Exception {
        try (RawNbdClient c = server.connect().handshake()) {
            c.sendOption(NbdOption.EXPORT_NAME.value(), "gamma".getBytes(StandardCharsets.UTF_8));
            assertTrue(c.closedByServer(RawNbdClient.TIMEOUT));
        }
    }

    @Test
    void clientThatNeverFinishesTheHandshakeIsClosedAfterTheTimeout() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        NbdPipeline.install(ch, server.exports, Duration.ofSeconds(30));
        ch.pipeline().fireChannelActive();
        ch.releaseOutbound(); // the greeting
        ch.advanceTimeBy(29, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertTrue(ch.isOpen());
        ch.advanceTimeBy(2, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertTrue(!ch.isOpen(), "closed after 30 s without GO");
        ch.finishAndReleaseAll();
    }

    @Test
    void clientSendingEndlessOptionsIsDisconnected() throws Exception {
        try (RawNbdClient c = server.connect().handshake()) {
            byte[] one = ByteBuffer.allocate(16).putLong(NbdProtocol.IHAVEOPT).putInt(99).putInt(0).array();
            ByteBuffer many = ByteBuffer.allocate(one.length * (NbdProtocol.MAX_OPTIONS_PER_HANDSHAKE + 1));
            while (many.hasRemaining()) {
                many.put(one);
            }
            c.sendRaw(many.array());
            for (int i = 0; i < NbdProtocol.MAX_OPTIONS_PER_HANDSHAKE; i++) {
                assertTrue(c.readOptionReply().is(OptionReplyType.ERR_UNSUP));
            }
            assertTrue(c.closedByServer(RawNbdClient.TIMEOUT));
        }
    }
}
