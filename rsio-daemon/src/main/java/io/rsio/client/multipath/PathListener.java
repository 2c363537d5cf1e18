package io.rsio.client.multipath;

import io.rsio.wire.message.VolumeInfo;
import java.util.Map;

/** What a path tells its namespace: it is ready with these volumes, or it went down. */
interface PathListener {
    /** Called on the path's event loop once login, LIST and OPEN have succeeded. */
    void pathReady(RsioPath path, Map<VolumeInfo, Integer> openedVolumes);

    /**
     * Called on the path's event loop when it went down, before the requests it had in flight
     * go back to their volumes to be sent again.
     */
    void pathDown(RsioPath path);
}
