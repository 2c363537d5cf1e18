package io.rsio.client.frontend.attach;

/** An attach or detach request that cannot be carried out; the message is for the administrator. */
public final class AttachException extends Exception {
    private static final long serialVersionUID = 1L;

    public AttachException(String message) {
        super(message);
    }
}
