package io.github.rwrouting.test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import java.util.function.BiFunction;

/**
 * Directories made once per machine and then shared by every JVM (unpacked server binaries, a bootstrapped data
 * directory). Several JVMs may make one at the same time: each fills a private staging directory, marks it
 * complete and renames it into place atomically; one rename wins and the others use the winner's.
 */
final class MachineCache {

    /** Present in a directory once it is complete; callers that copy such a directory leave it out. */
    static final String COMPLETE_MARKER = ".extraction-complete";

    @FunctionalInterface
    interface Filler {
        void fill(Path staging) throws IOException;
    }

    private MachineCache() {
    }

    /**
     * @param target  the directory to have
     * @param what    for the error message: "extract X", "bootstrap Y", ...
     * @param filler  fills the empty staging directory
     * @param failure makes the exception to throw from a message and a cause, so that each cluster keeps its type
     * @return {@code target}, complete
     */
    static Path createOnce(Path target, String what, Filler filler,
            BiFunction<String, Throwable, RuntimeException> failure) {
        if (Files.exists(target.resolve(COMPLETE_MARKER))) {
            return target;
        }
        Path staging = target.resolveSibling(target.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            Files.createDirectories(staging);
            filler.fill(staging);
            Files.writeString(staging.resolve(COMPLETE_MARKER), what, StandardCharsets.UTF_8);
            if (Files.exists(target) && !Files.exists(target.resolve(COMPLETE_MARKER))) {
                FileTree.deleteQuietly(target); // left by a copy made without this protocol
            }
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException | AtomicMoveNotSupportedException e) {
                if (!Files.exists(target.resolve(COMPLETE_MARKER))) {
                    throw e;
                }
            }
            return target;
        } catch (IOException e) {
            throw failure.apply("Could not " + what + " (into " + target + ")", e);
        } finally {
            FileTree.deleteQuietly(staging);
        }
    }

    /** A short digest of {@code text} for directory names: what the cached content was made from. */
    static String digest(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
