package io.rsio.nbd.handshake;

import io.netty.buffer.ByteBuf;
import io.rsio.nbd.protocol.NbdProtocol;
import io.rsio.nbd.protocol.NbdStrings;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses option payloads. Every length is checked against what is left of the payload before it
 * is used, and the payload must be consumed exactly; anything else is a
 * {@link MalformedOptionException} (answered NBD_REP_ERR_INVALID).
 */
public final class OptionPayloads {
    private OptionPayloads() {}

    /** NBD_OPT_INFO / NBD_OPT_GO: u32 name length, name, u16 count, count × u16 info type. */
    public record ExportRequest(String name, List<Integer> infoRequests) {}

    /** NBD_OPT_LIST_META_CONTEXT / NBD_OPT_SET_META_CONTEXT: export name and query strings. */
    public record MetaContextRequest(String exportName, List<String> queries) {}

    public static final class MalformedOptionException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedOptionException(String message) {
            super(message, null, false, false);
        }
    }

    /** NBD_OPT_EXPORT_NAME: the whole payload is the name. */
    public static String exportName(ByteBuf data) throws MalformedOptionException {
        return string(data, data.readableBytes(), "export name");
    }

    public static ExportRequest exportRequest(ByteBuf data) throws MalformedOptionException {
        String name = string(data, u32(data, "name length"), "export name");
        int count = u16(data, "information request count");
        if (data.readableBytes() != 2L * count) {
            throw new MalformedOptionException(
                    count + " information requests do not match the " + data.readableBytes() + " bytes left");
        }
        List<Integer> infos = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            infos.add(data.readUnsignedShort());
        }
        return new ExportRequest(name, List.copyOf(infos));
    }

    public static MetaContextRequest metaContextRequest(ByteBuf data) throws MalformedOptionException {
        String name = string(data, u32(data, "export name length"), "export name");
        long count = u32(data, "query count");
        // each query needs at least its 4-byte length: bounds the list before allocating it
        if (count > data.readableBytes() / 4) {
            throw new MalformedOptionException(count + " queries cannot fit in " + data.readableBytes() + " bytes");
        }
        List<String> queries = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            queries.add(string(data, u32(data, "query length"), "query"));
        }
        if (data.isReadable()) {
            throw new MalformedOptionException(data.readableBytes() + " bytes after the last query");
        }
        return new MetaContextRequest(name, List.copyOf(queries));
    }

    private static long u32(ByteBuf data, String what) throws MalformedOptionException {
        if (data.readableBytes() < 4) {
            throw new MalformedOptionException("payload ends before the " + what);
        }
        return data.readUnsignedInt();
    }

    private static int u16(ByteBuf data, String what) throws MalformedOptionException {
        if (data.readableBytes() < 2) {
            throw new MalformedOptionException("payload ends before the " + what);
        }
        return data.readUnsignedShort();
    }

    private static String string(ByteBuf data, long length, String what) throws MalformedOptionException {
        if (length > data.readableBytes()) {
            throw new MalformedOptionException(what + " of " + length + " bytes overruns the payload");
        }
        if (length > NbdProtocol.MAX_STRING_LENGTH) {
            throw new MalformedOptionException(what + " of " + length + " bytes is longer than 4096");
        }
        return NbdStrings.read(data, (int) length)
                .orElseThrow(() -> new MalformedOptionException(what + " is not valid UTF-8 without NUL"));
    }
}
