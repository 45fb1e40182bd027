package io.lightmem.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.lightmem.ErrorKind;
import io.lightmem.api.ApiError;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The shutdown rule of every in-process model: native memory is freed only when no run uses it. */
class NativeModelTest {

    private final ExecutorService threads = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void closeWaitsForTheRunInFlightAndLaterRunsFailClearly() throws Exception {
        NativeModel model = new NativeModel("test model");
        AtomicBoolean released = new AtomicBoolean();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);

        Future<Boolean> run = threads.submit(() -> model.use(() -> {
            running.countDown();
            await(finish);
            return released.get();
        }));
        running.await();
        Future<?> closing = threads.submit(() -> model.close(() -> released.set(true)));

        assertThatThrownBy(() -> closing.get(300, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        finish.countDown();
        assertThat(run.get(10, TimeUnit.SECONDS)).as("released while the run was in flight").isFalse();
        closing.get(10, TimeUnit.SECONDS);
        assertThat(released).isTrue();
        // A call that meets the closed model during a shutdown is told to retry, not reported as a bug.
        assertThat(ApiError.of(catchThrowable(() -> model.use(() -> "late"))))
                .isEqualTo(new ApiError(ErrorKind.UNAVAILABLE,
                        "the test model is closed: this instance is shutting down; retry the call", null));
    }

    @Test
    void runsShareTheModelAndItIsReleasedOnce() throws Exception {
        NativeModel model = new NativeModel("test model");
        CountDownLatch bothInside = new CountDownLatch(2);
        Future<Boolean> first = threads.submit(() -> model.use(() -> countDownAndWait(bothInside)));
        Future<Boolean> second = threads.submit(() -> model.use(() -> countDownAndWait(bothInside)));
        assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(second.get(10, TimeUnit.SECONDS)).isTrue();

        AtomicInteger releases = new AtomicInteger();
        model.close(releases::incrementAndGet);
        model.close(releases::incrementAndGet);
        assertThat(releases).hasValue(1);
    }

    private static boolean countDownAndWait(CountDownLatch latch) {
        latch.countDown();
        try {
            return latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
