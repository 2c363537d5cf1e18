package io.rsio.wire.message;

import io.netty.buffer.ByteBuf;

/** A message that owns a reference-counted data buffer; its consumer releases it. */
public sealed interface DataMessage permits Request.Write, Reply.ReadData {
    ByteBuf data();

    default void release() {
        data().release();
    }
}
