package io.rsio.nbd.protocol;

/**
 * NBD wire constants and the limits this server enforces. The protocol is big-endian throughout;
 * the authoritative text is {@code doc/proto.md} in the NetworkBlockDevice/nbd repository (do not
 * copy numbers from that repository's {@code nbd.h}: its BLOCK_STATUS value is wrong).
 *
 * <pre>
 * Handshake (fixed newstyle)
 *   S: u64 NBDMAGIC  u64 IHAVEOPT  u16 handshake flags (FIXED_NEWSTYLE 1, NO_ZEROES 2)
 *   C: u32 client flags (same bits; any other bit -> server closes)
 *   C: u64 IHAVEOPT  u32 option  u32 length  [length bytes]          (repeated)
 *   S: u64 0x3e889045565a9  u32 option  u32 reply type  u32 length  [length bytes]
 *   EXPORT_NAME is answered with u64 size, u16 transmission flags, 124 zero bytes
 *   (zeroes omitted when NO_ZEROES was agreed); every other option with the reply above.
 *
 * Transmission
 *   C: u32 0x25609513  u16 flags  u16 type  u64 cookie  u64 offset  u32 length  [WRITE data]
 *   S: simple reply      u32 0x67446698  u32 error  u64 cookie  [READ data]
 *   S: structured chunk  u32 0x668e33ef  u16 flags (DONE 1)  u16 type  u64 cookie  u32 length  [payload]
 *
 * Which client needs what (nbdkit 1.32, libnbd 1.14, qemu 7.2; all send client flags 0x3):
 *   qemu-img/qemu-io  STRUCTURED_REPLY, SET_META_CONTEXT base:allocation, GO
 *   nbdinfo           STRUCTURED_REPLY, INFO, LIST_META_CONTEXT, GO (--list adds LIST, ends with ABORT)
 *   fio (nbd engine)  STRUCTURED_REPLY, GO; one connection per job
 *   nbdcopy/nbdfuse   several connections when CAN_MULTI_CONN is advertised
 *   Linux kernel      no handshake (done by nbd-client), simple replies only
 * </pre>
 */
public final class NbdProtocol {
    /** ASCII "NBDMAGIC", first word of the greeting. */
    public static final long NBDMAGIC = 0x4e42444d41474943L;
    /** ASCII "IHAVEOPT", second word of the greeting and first word of every option request. */
    public static final long IHAVEOPT = 0x49484156454F5054L;
    public static final long OPTION_REPLY_MAGIC = 0x3e889045565a9L;
    public static final int REQUEST_MAGIC = 0x25609513;
    public static final int SIMPLE_REPLY_MAGIC = 0x67446698;
    public static final int STRUCTURED_REPLY_MAGIC = 0x668e33ef;

    public static final int HANDSHAKE_FLAG_FIXED_NEWSTYLE = 1;
    public static final int HANDSHAKE_FLAG_NO_ZEROES = 1 << 1;
    public static final int CLIENT_FLAG_FIXED_NEWSTYLE = 1;
    public static final int CLIENT_FLAG_NO_ZEROES = 1 << 1;
    public static final int KNOWN_CLIENT_FLAGS = CLIENT_FLAG_FIXED_NEWSTYLE | CLIENT_FLAG_NO_ZEROES;

    public static final int GREETING_LENGTH = 18;
    public static final int OPTION_HEADER_LENGTH = 16;
    public static final int OPTION_REPLY_HEADER_LENGTH = 20;
    public static final int EXPORT_NAME_REPLY_ZEROES = 124;
    public static final int REQUEST_HEADER_LENGTH = 28;
    public static final int SIMPLE_REPLY_HEADER_LENGTH = 16;
    public static final int CHUNK_HEADER_LENGTH = 20;

    /** Structured reply flag: this chunk is the last one for its cookie. */
    public static final int REPLY_FLAG_DONE = 1;

    /** Spec limit for strings (export names, queries, messages), in UTF-8 bytes. */
    public static final int MAX_STRING_LENGTH = 4096;

    /**
     * Largest READ/WRITE payload accepted. The spec says any payload up to 2^25 should not be
     * treated as a denial of service, so this is accepted even when the target's own limit is
     * lower (the request is split).
     */
    public static final int MAX_PAYLOAD = 32 * 1024 * 1024;

    /**
     * Largest option payload kept in memory. The biggest legitimate one is an export name plus a
     * few meta-context queries of at most 4096 bytes each.
     */
    public static final int MAX_OPTION_LENGTH = 64 * 1024;

    /**
     * Larger option payloads are read and thrown away without being stored (the option is then
     * refused); beyond this the client is treated as hostile and disconnected.
     */
    public static final long MAX_SKIPPED_OPTION_LENGTH = 16L * 1024 * 1024;

    /** Options accepted in one handshake before the client is treated as hostile. */
    public static final int MAX_OPTIONS_PER_HANDSHAKE = 1024;

    /** Status flags of the base:allocation context (bit 0 hole, bit 1 zero). */
    public static final int STATE_HOLE = 1;
    public static final int STATE_ZERO = 1 << 1;

    public static final String BASE_ALLOCATION = "base:allocation";

    /** The id this server gives base:allocation in NBD_REP_META_CONTEXT (ids are the server's choice). */
    public static final int BASE_ALLOCATION_CONTEXT_ID = 1;

    private NbdProtocol() {}
}
