package io.rsio.client.multipath;

/** The seed's path states as {@code rsconfig -m status} prints them. */
public enum PathState {
    CONNECTING("connecting"),
    CONNECTED("connected"),
    DOWN("down");

    private final String label;

    PathState(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
