package io.rsio.nativeio.rbd;

/**
 * Receives the result of one asynchronous RBD request: a byte count or 0 on success, or a
 * negative errno. Called once, on a librbd thread: it must hand the result on (to an event loop,
 * a future) and return; blocking there stalls every other completion of the process.
 */
@FunctionalInterface
public interface AioCallback {
    void completed(long result);
}
