package io.rsio.nativeio.fuse;

import static io.rsio.nativeio.fuse.FuseAbi.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * Turns the bytes of one {@code read()} from {@code /dev/fuse} into a {@link FuseRequest}.
 * Every length is checked against what was read before a field is touched: a request whose
 * header length disagrees with the read, or whose arguments are shorter than its opcode's
 * structure, is a {@link FuseProtocolException}.
 */
public final class FuseRequestDecoder {
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    /** Longest name a lookup may carry (NAME_MAX). */
    static final int NAME_MAX = 255;

    private FuseRequestDecoder() {}

    /** Decodes the first {@code read} bytes of {@code buf}. */
    public static FuseRequest decode(MemorySegment buf, long read) throws FuseProtocolException {
        if (read < IN_HEADER_SIZE || read > buf.byteSize()) {
            throw new FuseProtocolException("request of " + read + " bytes is shorter than the "
                    + IN_HEADER_SIZE + "-byte header", null);
        }
        FuseInHeader h = header(buf);
        if (Integer.toUnsignedLong(h.length()) != read) {
            throw new FuseProtocolException("header says " + Integer.toUnsignedLong(h.length()) + " bytes but "
                    + read + " were read", h);
        }
        long argsEnd = read - 8L * h.extensionLength();
        if (argsEnd < IN_HEADER_SIZE) {
            throw new FuseProtocolException("extensions of " + 8L * h.extensionLength() + " bytes exceed the request",
                    h);
        }
        return decodeArgs(h, buf.asSlice(IN_HEADER_SIZE, argsEnd - IN_HEADER_SIZE), null);
    }

    /**
     * Decodes a request that came over io_uring: the header and the opcode's fixed structure
     * are in the entry's header buffer ({@code inHeader}, {@code opIn}), the rest (a name, a
     * WRITE's data, extensions) in its payload, of which {@code payloadSize} bytes are valid.
     * The header's length must equal the three parts' sum.
     */
    public static FuseRequest decodeRing(MemorySegment inHeader, MemorySegment opIn, MemorySegment payload,
                                         long payloadSize) throws FuseProtocolException {
        FuseInHeader h = header(inHeader);
        if (payloadSize < 0 || payloadSize > payload.byteSize()) {
            throw new FuseProtocolException("payload of " + payloadSize + " bytes does not fit the "
                    + payload.byteSize() + "-byte buffer", h);
        }
        long opInSize = Integer.toUnsignedLong(h.length()) - IN_HEADER_SIZE - payloadSize;
        if (opInSize < 0 || opInSize > opIn.byteSize()) {
            throw new FuseProtocolException("header says " + Integer.toUnsignedLong(h.length()) + " bytes, payload has "
                    + payloadSize + ": the fixed arguments would be " + opInSize + " bytes", h);
        }
        long tailEnd = payloadSize - 8L * h.extensionLength();
        if (tailEnd < 0) {
            throw new FuseProtocolException("extensions of " + 8L * h.extensionLength() + " bytes exceed the payload",
                    h);
        }
        return decodeArgs(h, opIn.asSlice(0, opInSize), payload.asSlice(0, tailEnd));
    }

    private static FuseInHeader header(MemorySegment buf) {
        return new FuseInHeader(buf.get(U32, 0), buf.get(U32, 4), buf.get(U64, 8), buf.get(U64, 16),
                buf.get(U32, 24), buf.get(U32, 28), buf.get(U32, 32), Short.toUnsignedInt(buf.get(U16, 36)));
    }

    /**
     * The opcode's arguments: {@code args} starts with its fixed structure; {@code tail} is what
     * follows it when that is elsewhere (io_uring's payload), null when it follows in {@code args}.
     */
    private static FuseRequest decodeArgs(FuseInHeader h, MemorySegment args, MemorySegment tail)
            throws FuseProtocolException {
        FuseOpcode op = FuseOpcode.of(h.opcode());
        if (op == null) {
            return new FuseRequest.Other(h);
        }
        return switch (op) {
            case INIT -> {
                need(args, INIT_IN_MIN_SIZE, h);
                long flags = Integer.toUnsignedLong(args.get(U32, 12));
                // flags2 exists from 7.36 (64-byte init_in) and counts only with INIT_EXT.
                if (args.byteSize() >= 20 && (flags & INIT_EXT) != 0) {
                    flags |= Integer.toUnsignedLong(args.get(U32, 16)) << 32;
                }
                yield new FuseRequest.Init(h, args.get(U32, 0), args.get(U32, 4), args.get(U32, 8), flags);
            }
            // the name is the only argument; over io_uring it is in the payload (arg 0 is empty)
            case LOOKUP -> new FuseRequest.Lookup(h, name(tail != null && args.byteSize() == 0 ? tail : args, h));
            case FORGET -> {
                need(args, FORGET_IN_SIZE, h);
                yield new FuseRequest.Forget(h, args.get(U64, 0));
            }
            case BATCH_FORGET -> {
                need(args, BATCH_FORGET_IN_SIZE, h);
                yield new FuseRequest.BatchForget(h, args.get(U32, 0));
            }
            case GETATTR -> {
                need(args, GETATTR_IN_SIZE, h);
                yield new FuseRequest.Getattr(h, args.get(U32, 0), args.get(U64, 8));
            }
            case SETATTR -> {
                need(args, SETATTR_IN_SIZE, h);
                yield new FuseRequest.Setattr(h, args.get(U32, 0), args.get(U64, 8), args.get(U64, 16),
                        args.get(U32, 68), args.get(U32, 76), args.get(U32, 80));
            }
            case OPEN -> {
                need(args, OPEN_IN_SIZE, h);
                yield new FuseRequest.Open(h, args.get(U32, 0));
            }
            case OPENDIR -> {
                need(args, OPEN_IN_SIZE, h);
                yield new FuseRequest.Opendir(h, args.get(U32, 0));
            }
            case READ -> {
                need(args, READ_IN_SIZE, h);
                yield new FuseRequest.Read(h, args.get(U64, 0), args.get(U64, 8), size(args.get(U32, 16), h));
            }
            case READDIR -> {
                need(args, READ_IN_SIZE, h);
                yield new FuseRequest.Readdir(h, args.get(U64, 0), args.get(U64, 8), size(args.get(U32, 16), h));
            }
            case WRITE -> {
                need(args, WRITE_IN_SIZE, h);
                int size = size(args.get(U32, 16), h);
                MemorySegment data = tail != null ? tail : args.asSlice(WRITE_IN_SIZE);
                if (data.byteSize() != size) {
                    throw new FuseProtocolException("WRITE of " + size + " bytes carries " + data.byteSize(), h);
                }
                yield new FuseRequest.Write(h, args.get(U64, 0), args.get(U64, 8), size, args.get(U32, 20), data);
            }
            case STATFS -> new FuseRequest.Statfs(h);
            case RELEASE -> {
                need(args, RELEASE_IN_SIZE, h);
                yield new FuseRequest.Release(h, args.get(U64, 0), args.get(U32, 8));
            }
            case RELEASEDIR -> {
                need(args, RELEASE_IN_SIZE, h);
                yield new FuseRequest.Releasedir(h, args.get(U64, 0));
            }
            case FSYNC -> {
                need(args, FSYNC_IN_SIZE, h);
                yield new FuseRequest.Fsync(h, args.get(U64, 0), args.get(U32, 8));
            }
            case FLUSH -> {
                need(args, FLUSH_IN_SIZE, h);
                yield new FuseRequest.Flush(h, args.get(U64, 0));
            }
            case ACCESS -> {
                need(args, ACCESS_IN_SIZE, h);
                yield new FuseRequest.Access(h, args.get(U32, 0));
            }
            case FALLOCATE -> {
                need(args, FALLOCATE_IN_SIZE, h);
                yield new FuseRequest.Fallocate(h, args.get(U64, 0), args.get(U64, 8), args.get(U64, 16),
                        args.get(U32, 24));
            }
            case INTERRUPT -> {
                need(args, INTERRUPT_IN_SIZE, h);
                yield new FuseRequest.Interrupt(h, args.get(U64, 0));
            }
            case DESTROY -> new FuseRequest.Destroy(h);
            default -> new FuseRequest.Other(h);
        };
    }

    private static void need(MemorySegment args, int size, FuseInHeader h) throws FuseProtocolException {
        if (args.byteSize() < size) {
            throw new FuseProtocolException(FuseOpcode.describe(h.opcode()) + " has " + args.byteSize()
                    + " bytes of arguments, needs " + size, h);
        }
    }

    /** Sizes are u32 on the wire; anything above 2^31 cannot be a real request here. */
    private static int size(int raw, FuseInHeader h) throws FuseProtocolException {
        if (raw < 0) {
            throw new FuseProtocolException(FuseOpcode.describe(h.opcode()) + " size "
                    + Integer.toUnsignedLong(raw) + " is too large", h);
        }
        return raw;
    }

    /** A NUL-terminated name filling the arguments. */
    private static String name(MemorySegment args, FuseInHeader h) throws FuseProtocolException {
        long limit = Math.min(args.byteSize(), NAME_MAX + 1);
        for (long i = 0; i < limit; i++) {
            if (args.get(ValueLayout.JAVA_BYTE, i) == 0) {
                if (i == 0) {
                    throw new FuseProtocolException("empty name", h);
                }
                return new String(args.asSlice(0, i).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
            }
        }
        throw new FuseProtocolException("name without NUL within " + limit + " bytes", h);
    }
}
