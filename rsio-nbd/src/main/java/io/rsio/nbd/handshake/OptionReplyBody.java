package io.rsio.nbd.handshake;

import io.rsio.nbd.protocol.BlockSizes;
import io.rsio.nbd.protocol.InfoType;
import io.rsio.nbd.protocol.OptionReplyType;

/** The typed payload of one option reply; each knows its reply type. */
public sealed interface OptionReplyBody {
    OptionReplyType type();

    /** NBD_REP_ACK, no data. */
    record Ack() implements OptionReplyBody {
        @Override
        public OptionReplyType type() {
            return OptionReplyType.ACK;
        }
    }

    /** NBD_REP_SERVER: u32 name length, name, description (rest of the reply). */
    record Server(String name, String description) implements OptionReplyBody {
        @Override
        public OptionReplyType type() {
            return OptionReplyType.SERVER;
        }
    }

    /** NBD_REP_INFO items. */
    sealed interface Info extends OptionReplyBody {
        InfoType infoType();

        @Override
        default OptionReplyType type() {
            return OptionReplyType.INFO;
        }
    }

    record ExportInfo(long size, int transmissionFlags) implements Info {
        @Override
        public InfoType infoType() {
            return InfoType.EXPORT;
        }
    }

    record NameInfo(String name) implements Info {
        @Override
        public InfoType infoType() {
            return InfoType.NAME;
        }
    }

    record DescriptionInfo(String description) implements Info {
        @Override
        public InfoType infoType() {
            return InfoType.DESCRIPTION;
        }
    }

    record BlockSizeInfo(BlockSizes sizes) implements Info {
        @Override
        public InfoType infoType() {
            return InfoType.BLOCK_SIZE;
        }
    }

    /** NBD_REP_META_CONTEXT: u32 context id, context name. */
    record MetaContext(int id, String name) implements OptionReplyBody {
        @Override
        public OptionReplyType type() {
            return OptionReplyType.META_CONTEXT;
        }
    }

    /** An error reply with a message for the user. */
    record Failure(OptionReplyType type, String message) implements OptionReplyBody {
        public Failure {
            if (!type.isError()) {
                throw new IllegalArgumentException(type + " is not an error reply");
            }
        }
    }
}
