package io.rsio.client.multipath;

import io.rsio.wire.message.Reply;

/**
 * Where a path hands back a request it carried: the volume that sent it. The path keeps it
 * beside the request in its tag table, so a request itself knows nothing of who sent it.
 */
interface RequestOwner {
    /** The server answered {@code request}; on the path's event loop. */
    void completed(RsioPath path, IoRequest request, Reply reply);

    /** {@code request} came back unanswered from a path that went down: send it again, or let it wait. */
    void retry(IoRequest request);
}
