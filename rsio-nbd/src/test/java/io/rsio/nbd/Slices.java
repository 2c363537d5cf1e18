package io.rsio.nbd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

/** Feeds a byte fixture to a channel in slices of a given size, as a slow network would. */
public final class Slices {
    private Slices() {}

    public static void feed(EmbeddedChannel ch, byte[] bytes, int sliceSize) {
        for (int i = 0; i < bytes.length; i += sliceSize) {
            int n = Math.min(sliceSize, bytes.length - i);
            ByteBuf slice = ch.alloc().buffer(n).writeBytes(bytes, i, n);
            ch.writeInbound(slice);
        }
    }

    public static byte[] bytes(ByteBuf buf) {
        byte[] b = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), b);
        return b;
    }

    /** Drains every outbound buffer of {@code ch} into one array, releasing them. */
    public static byte[] outbound(EmbeddedChannel ch) {
        ByteBuf all = Unpooled.buffer();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) o;
            all.writeBytes(b);
            b.release();
        }
        return bytes(all);
    }
}
