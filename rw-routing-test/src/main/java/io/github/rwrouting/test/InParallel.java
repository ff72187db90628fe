package io.github.rwrouting.test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/** Runs an action for every node at once: copying and starting servers is mostly waiting. */
final class InParallel {

    private InParallel() {
    }

    /**
     * Runs {@code action} for each target on its own thread and waits for all; rethrows the first failure with
     * the others suppressed. A checked failure becomes {@code failure(message, cause)}.
     */
    static <T> void forEach(List<T> targets, Consumer<T> action, String threadName,
            BiFunction<String, Throwable, RuntimeException> failure) {
        if (targets.size() <= 1) {
            targets.forEach(action);
            return;
        }
        ExecutorService executor = Executors.newFixedThreadPool(targets.size(), runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (T target : targets) {
                futures.add(executor.submit(() -> action.accept(target)));
            }
            RuntimeException first = null;
            for (Future<?> future : futures) {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    RuntimeException cause = e.getCause() instanceof RuntimeException runtime ? runtime
                            : failure.apply(e.getCause().toString(), e.getCause());
                    if (first == null) {
                        first = cause;
                    } else {
                        first.addSuppressed(cause);
                    }
                }
            }
            if (first != null) {
                throw first;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure.apply("Interrupted while starting the cluster", e);
        } finally {
            executor.shutdownNow();
        }
    }
}
