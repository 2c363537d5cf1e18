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
        FuseInHeader h = new FuseInHeader(buf.get(U32, 0), buf.get(U32, 4), buf.get(U64, 8), buf.get(U64, 16),
                buf.get(U32, 24), buf.get(U32, 28), buf.get(U32, 32), Short.toUnsignedInt(buf.get(U16, 36)));
        if (Integer.toUnsignedLong(h.length()) != read) {
            throw new FuseProtocolException("header says " + Integer.toUnsignedLong(h.length()) + " bytes but "
                    + read + " were read", h);
        }
        long argsEnd = read - 8L * h.extensionLength();
        if (argsEnd < IN_HEADER_SIZE) {
            throw new FuseProtocolException("extensions of " + 8L * h.extensionLength() + " bytes exceed the request",
                    h);
        }
        MemorySegment args = buf.asSlice(IN_HEADER_SIZE, argsEnd - IN_HEADER_SIZE);
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
            case LOOKUP -> new FuseRequest.Lookup(h, name(args, h));
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
                long data = args.byteSize() - WRITE_IN_SIZE;
                if (data != size) {
                    throw new FuseProtocolException("WRITE of " + size + " bytes carries " + data, h);
                }
                yield new FuseRequest.Write(h, args.get(U64, 0), args.get(U64, 8), size, args.get(U32, 20),
                        args.asSlice(WRITE_IN_SIZE, size));
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
