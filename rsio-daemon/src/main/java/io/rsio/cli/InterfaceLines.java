package io.rsio.cli;

import io.rsio.control.ControlRows.InterfaceRow;
import io.rsio.discovery.LocalInterfaces;

/**
 * Why a client interface has no path, in the words rsconfig -m status and crsio's Path Status
 * both use. Both run on rsiod's host (the control socket is local), so the host's own addresses
 * answer whether the interface is here.
 */
public final class InterfaceLines {
    private InterfaceLines() {}

    public static String noPathReason(InterfaceRow itf) {
        if (LocalInterfaces.byAddress(itf.address()).isEmpty()) {
            return "no path: " + itf.address() + " is not an address of this host";
        }
        return "no path: no configured server is reachable from it (rsiod uses the interfaces on a server's"
                + " network when there are such)";
    }
}
