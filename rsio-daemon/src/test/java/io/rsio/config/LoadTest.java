package io.rsio.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading files: errors name the file given by the caller; bad bytes name their line. */
class LoadTest {

    @TempDir
    Path dir;

    @Test
    void missingFile() {
        Path file = dir.resolve("rscltcfg");
        ConfigException e = assertThrows(ConfigException.class, () -> ClientConfig.load(file));
        assertEquals(file + ": cannot read: no such file", e.getMessage());
        assertEquals(0, e.line());
    }

    @Test
    void directoryInsteadOfFile() {
        ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.load(dir));
        assertTrue(e.getMessage().startsWith(dir + ": cannot read"), e.getMessage());
    }

    @Test
    void notUtf8NamesTheLine() throws IOException {
        Path file = dir.resolve("rssrvcfg");
        byte[] head = "[namespace osl]\nnamespaceid = 200\n[server gro".getBytes(StandardCharsets.US_ASCII);
        byte[] latin1 = {(byte) 0xdf, 'e', ']', '\n'}; // "große" written in ISO-8859-1
        byte[] all = new byte[head.length + latin1.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(latin1, 0, all, head.length, latin1.length);
        Files.write(file, all);
        ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.load(file));
        assertEquals(3, e.line());
        assertTrue(e.getMessage().startsWith(file + ":3: is not UTF-8 text"), e.getMessage());
    }

    @Test
    void hugeFileIsRefusedUnread() throws IOException {
        Path file = dir.resolve("rscltcfg");
        Files.write(file, new byte[IniText.MAX_BYTES + 1]);
        ConfigException e = assertThrows(ConfigException.class, () -> ClientConfig.load(file));
        assertTrue(e.getMessage().contains("a config file has at most"), e.getMessage());
    }

    @Test
    void loadResolvesVolumePathsAgainstTheFilesDirectory() throws IOException, ConfigException {
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Path file = etc.resolve("rssrvcfg");
        Files.writeString(file, """
                [namespace osl]
                namespaceid = 200
                [server big-9]
                serverid = 1
                [interface lo]
                address = 127.0.0.1
                [volume v]
                path = v.img
                size = 1M
                """);
        ServerConfig c = ServerConfig.load(file);
        assertEquals(file, c.file());
        assertEquals(etc.resolve("v.img"), c.volumes().getFirst().path());
    }

    @Test
    void errorsInLoadedFilesNameThatFile() throws IOException {
        Path file = dir.resolve("my-rscltcfg");
        Files.writeString(file, "[interface if0]\naddress = 198.18.0.20\nport = 50x0\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ClientConfig.load(file));
        assertEquals(file + ":3: port must be a number from 1 to 65535, found \"50x0\"", e.getMessage());
        assertEquals(file, e.file());
    }
}
