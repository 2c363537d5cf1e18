package io.rsio.server.store;

import java.io.IOException;

/**
 * A volume cannot be opened as configured. {@link #key()} names the key of its
 * {@code [volume]} section the problem lies with ({@code path} or {@code size}), so rssrv can
 * point at that line of rssrvcfg; the message does not name the volume (the caller does).
 */
public final class VolumeSetupException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String key;

    public VolumeSetupException(String key, String message) {
        this(key, message, null);
    }

    public VolumeSetupException(String key, String message, Throwable cause) {
        super(message, cause);
        this.key = key;
    }

    /** The config key the problem lies with: {@code path} or {@code size}. */
    public String key() {
        return key;
    }
}
