package io.rsio.config.edit;

import io.rsio.config.ClientConfig;
import io.rsio.config.ConfigException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Set;

/**
 * Loads and saves {@code /etc/rscltcfg} the way an administrator can trust:
 * <ul>
 *   <li>a save is atomic: a temporary file in the same directory, written, fsync'ed, then renamed
 *       over the file, and the directory fsync'ed; a crash leaves the old or the new file, never
 *       half of one;</li>
 *   <li>the file is mode 0600 (it holds node keys);</li>
 *   <li>the version from before this store's first save is kept as {@code NAME.bak} (also 0600):
 *       later saves of the same session leave it alone, so two F3 in a row do not replace the
 *       real previous version with the first save's copy;</li>
 *   <li>a file changed on disk since it was loaded (by an editor, another crsio) is not
 *       overwritten: {@link ChangedOnDiskException} says so, and the caller reloads or keeps
 *       editing;</li>
 *   <li>nothing is saved that rsiod would refuse: the text is parsed first.</li>
 * </ul>
 */
public final class ConfigFileStore {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    /** The file's content when loaded or saved: compared before the next save. */
    public record Snapshot(boolean exists, byte[] sha256) {
        static final Snapshot ABSENT = new Snapshot(false, new byte[0]);

        boolean sameAs(Snapshot other) {
            return exists == other.exists && MessageDigest.isEqual(sha256, other.sha256);
        }
    }

    /** Text as loaded (a missing file reads as {@link ClientConfigEditor#freshText()}) and its snapshot. */
    public record Loaded(String text, boolean existed, Snapshot snapshot) {}

    /** The file was changed by someone else since it was loaded. */
    public static final class ChangedOnDiskException extends IOException {
        private static final long serialVersionUID = 1L;

        ChangedOnDiskException(Path file) {
            super(file + " was changed on disk since crsio loaded it; not overwritten");
        }
    }

    private final Path file;
    private boolean backedUp;

    public ConfigFileStore(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** The backup written by the first save: {@code NAME.bak} next to the file. */
    public Path backup() {
        return file.resolveSibling(file.getFileName() + ".bak");
    }

    public Loaded load() throws IOException {
        Snapshot snapshot = snapshot();
        if (!snapshot.exists()) {
            return new Loaded(ClientConfigEditor.freshText(), false, snapshot);
        }
        byte[] bytes = Files.readAllBytes(file);
        return new Loaded(new String(bytes, StandardCharsets.UTF_8), true, new Snapshot(true, sha256(bytes)));
    }

    /**
     * Saves {@code text} if the file on disk is still what {@code loaded} saw; returns the new
     * snapshot to pass to the next save.
     *
     * @throws ChangedOnDiskException when the file changed since
     * @throws ConfigException        when the text is not a valid client config (nothing written)
     */
    public Snapshot save(String text, Snapshot loaded) throws IOException, ConfigException {
        ClientConfig.parse(file, text); // never write what rsiod would refuse
        if (!snapshot().sameAs(loaded)) {
            throw new ChangedOnDiskException(file);
        }
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (loaded.exists() && !backedUp) {
            writeAtomically(dir, backup(), Files.readAllBytes(file));
            backedUp = true;
        }
        writeAtomically(dir, file, bytes);
        return new Snapshot(true, sha256(bytes));
    }

    /** Whether the file on disk differs from {@code loaded}. */
    public boolean changedSince(Snapshot loaded) throws IOException {
        return !snapshot().sameAs(loaded);
    }

    private Snapshot snapshot() throws IOException {
        try {
            return new Snapshot(true, sha256(Files.readAllBytes(file)));
        } catch (NoSuchFileException e) {
            return Snapshot.ABSENT;
        }
    }

    private static void writeAtomically(Path dir, Path target, byte[] bytes) throws IOException {
        FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(OWNER_ONLY);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp", mode);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    ch.write(buffer);
                }
                ch.force(true);
            }
            Files.setPosixFilePermissions(tmp, OWNER_ONLY); // whatever the umask did
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + target + " atomically: " + e.getMessage(), e);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true); // the rename itself is durable only once the directory is
        } catch (IOException ignored) {
            // some filesystems refuse fsync on a directory; the data is safe, only the rename may not be
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    @Override
    public String toString() {
        return "ConfigFileStore[" + file + "]";
    }

}
