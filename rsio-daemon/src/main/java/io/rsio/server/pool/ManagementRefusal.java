package io.rsio.server.pool;

import io.rsio.block.Errno;

/** A management request refused, with the status and the reason the client is told. */
final class ManagementRefusal extends Exception {
    private final Errno status;

    ManagementRefusal(Errno status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    Errno status() {
        return status;
    }
}
