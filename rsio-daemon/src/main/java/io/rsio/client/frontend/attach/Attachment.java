package io.rsio.client.frontend.attach;

import io.rsio.client.multipath.VolumeClient;
import io.rsio.nativeio.loop.LoopDevice;
import java.nio.file.Path;

/**
 * One attached volume: its device links ({@code b:} the block device, {@code c:} the raw path),
 * the loop device and the FUSE file underneath. Mutable state (size, detaching) is only touched
 * on the attach manager's thread.
 */
public final class Attachment {
    final String namespace;
    final VolumeClient volume;
    final String deviceDir;
    final Path blockLink;
    final Path charLink;
    final String fuseName;
    final Path fuseFile;
    final LoopDevice loop;
    final AttachMethod method;
    final long attachedMillis = System.currentTimeMillis();
    /** The size the device was last given; growth is noticed against it. */
    long size;
    /** Set when a detach is waiting for the last user of the loop device to close it. */
    boolean detaching;
    boolean shrinkReported;

    Attachment(String namespace, VolumeClient volume, String deviceDir, Path blockLink, Path charLink, String fuseName,
               Path fuseFile, LoopDevice loop, AttachMethod method, long size) {
        this.namespace = namespace;
        this.volume = volume;
        this.deviceDir = deviceDir;
        this.blockLink = blockLink;
        this.charLink = charLink;
        this.fuseName = fuseName;
        this.fuseFile = fuseFile;
        this.loop = loop;
        this.method = method;
        this.size = size;
    }

    /** {@code osl:oracle}. */
    public String qualifiedName() {
        return namespace + ":" + volume.name();
    }

    public String namespace() {
        return namespace;
    }

    public VolumeClient volume() {
        return volume;
    }

    public String deviceDir() {
        return deviceDir;
    }

    public Path blockLink() {
        return blockLink;
    }

    public Path charLink() {
        return charLink;
    }

    public Path fuseFile() {
        return fuseFile;
    }

    public LoopDevice loop() {
        return loop;
    }

    public AttachMethod method() {
        return method;
    }

    public long size() {
        return size;
    }

    public long attachedMillis() {
        return attachedMillis;
    }

    public boolean detaching() {
        return detaching;
    }

    @Override
    public String toString() {
        return qualifiedName() + " (" + blockLink + " -> " + loop.path() + ")";
    }
}
