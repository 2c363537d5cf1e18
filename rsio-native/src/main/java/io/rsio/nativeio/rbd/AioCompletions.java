package io.rsio.nativeio.rbd;

import static java.lang.foreign.ValueLayout.ADDRESS;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * librbd completions and the one upcall stub they all share. librbd calls
 * {@code void cb(rbd_completion_t c, void *arg)} on one of its own threads when an asynchronous
 * request ends; {@code arg} is a number that finds the Java callback here, so no per-request
 * upcall stub (each costs an arena and generated code) and no thread of ours per request.
 * The callback must be quick and must not block: it runs on librbd's completion thread.
 */
final class AioCompletions {
    private static final Logger LOG = LogManager.getLogger(AioCompletions.class);
    private static final Map<Long, AioCallback> PENDING = new ConcurrentHashMap<>();
    private static final AtomicLong NEXT_ID = new AtomicLong(1);
    private static final MemorySegment STUB;

    static {
        try {
            var target = MethodHandles.lookup().findStatic(AioCompletions.class, "completed",
                    MethodType.methodType(void.class, MemorySegment.class, MemorySegment.class));
            STUB = Linker.nativeLinker().upcallStub(target, FunctionDescriptor.ofVoid(ADDRESS, ADDRESS), Arena.global());
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private AioCompletions() {}

    /**
     * A new {@code rbd_completion_t} that hands its result to {@code callback}; the caller
     * passes it to one rbd_aio_* call, and must {@link #abandon} it if that call fails.
     */
    static MemorySegment create(AioCallback callback, MemorySegment slot) throws CephException {
        long id = NEXT_ID.getAndIncrement();
        PENDING.put(id, callback);
        int r;
        try {
            r = (int) CephLibraries.RBD_AIO_CREATE_COMPLETION.invokeExact(MemorySegment.ofAddress(id), STUB, slot);
        } catch (Throwable t) {
            PENDING.remove(id);
            throw CephLibraries.unexpected(t);
        }
        if (r < 0) {
            PENDING.remove(id);
            throw new CephException("rbd_aio_create_completion", -r);
        }
        return slot.get(ADDRESS, 0);
    }

    /** The rbd_aio_* call refused the completion: it will never fire; release it. */
    static void abandon(MemorySegment completion, AioCallback callback) {
        PENDING.values().remove(callback);
        release(completion);
    }

    /** Requests started and not completed yet, over all images (for tests and statistics). */
    static int pending() {
        return PENDING.size();
    }

    /** The upcall: librbd's thread. An exception escaping here would end the JVM. */
    @SuppressWarnings("unused")
    private static void completed(MemorySegment completion, MemorySegment arg) {
        AioCallback callback = PENDING.remove(arg.address());
        long result;
        try {
            result = (long) CephLibraries.RBD_AIO_GET_RETURN_VALUE.invokeExact(completion);
        } catch (Throwable t) {
            result = -5; // EIO: cannot happen with a correct handle type
        }
        release(completion);
        if (callback != null) {
            try {
                callback.completed(result);
            } catch (Throwable t) {
                LOG.error("an RBD completion callback failed", t);
            }
        }
    }

    private static void release(MemorySegment completion) {
        try {
            CephLibraries.RBD_AIO_RELEASE.invokeExact(completion);
        } catch (Throwable t) {
            throw CephLibraries.unexpected(t);
        }
    }
}
