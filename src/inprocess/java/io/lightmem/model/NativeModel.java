package io.lightmem.model;

import io.lightmem.UnavailableException;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The lifetime of a model held in native memory (an ONNX Runtime session, a native tokenizer): runs
 * share it, closing waits for the runs in flight and later runs fail as UNAVAILABLE (retry elsewhere). Freeing
 * a session under a running inference would crash the JVM instead of failing one request.
 */
public final class NativeModel {

    /** Frees the native memory; called once. */
    public interface Release {
        void run() throws Exception;
    }

    private final String name;
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    /** @param name what the model is called in the exception of a run after close, e.g. "embedder" */
    public NativeModel(String name) {
        this.name = name;
    }

    /** Runs {@code work} while the model stays open; any number of runs at once. */
    public <T> T use(Supplier<T> work) {
        lifecycle.readLock().lock();
        try {
            if (closed) {
                // Only a shutdown closes a model: a call that meets it is retried on another instance.
                throw new UnavailableException("the " + name + " is closed: this instance is shutting down; retry the call",
                        null);
            }
            return work.get();
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** Waits for the runs in flight, then releases the model; later calls do nothing. */
    public void close(Release release) {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            release.run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot release the " + name + ": " + e.getMessage(), e);
        } finally {
            lifecycle.writeLock().unlock();
        }
    }
}
