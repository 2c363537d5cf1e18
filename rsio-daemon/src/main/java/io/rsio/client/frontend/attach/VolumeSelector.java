package io.rsio.client.frontend.attach;

import io.rsio.client.multipath.NamespaceClient;
import io.rsio.client.multipath.VolumeClient;
import java.util.ArrayList;
import java.util.List;

/**
 * Which volumes an {@code rsconfig -a}/{@code -d} means: all of them (no argument), every volume
 * named NAME, or NAME in namespace NS ({@code ns:NAME}).
 */
record VolumeSelector(String namespace, String name) {
    static final VolumeSelector ALL = new VolumeSelector(null, null);

    static VolumeSelector parse(String text) {
        if (text == null || text.isEmpty()) {
            return ALL;
        }
        int colon = text.indexOf(':');
        return colon < 0 ? new VolumeSelector(null, text) : new VolumeSelector(text.substring(0, colon),
                text.substring(colon + 1));
    }

    boolean all() {
        return name == null;
    }

    boolean matches(String volumeNamespace, String volumeName) {
        return all() || (name.equals(volumeName) && (namespace == null || namespace.equals(volumeNamespace)));
    }

    /** The volumes this selects, in namespace order, then by name. */
    List<VolumeClient> select(List<NamespaceClient> namespaces) {
        List<VolumeClient> found = new ArrayList<>();
        for (NamespaceClient ns : namespaces) {
            for (VolumeClient v : ns.volumes()) {
                if (matches(ns.name(), v.name())) {
                    found.add(v);
                }
            }
        }
        return found;
    }

    @Override
    public String toString() {
        return all() ? "every volume" : namespace == null ? name : namespace + ":" + name;
    }
}
