package io.rsio.nativeio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MountTableTest {
    @Test
    void parsesMountinfoLinesWithOptionalFieldsAndEscapes() {
        String text = """
                22 1 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw
                36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
                412 30 7:7 / /tmp/junit\\0401/mnt rw,relatime - ext4 /dev/loop7 rw
                500 30 0:77 / /run/rsio/fuse rw,nosuid,nodev,noexec,relatime - fuse.rsio rsiod rw,user_id=0,group_id=0,default_permissions,allow_other
                garbage line
                """;
        List<MountTable.Mount> mounts = MountTable.parse(text);
        assertEquals(4, mounts.size());
        MountTable.Mount ext4 = mounts.get(2);
        assertEquals(Path.of("/tmp/junit 1/mnt"), ext4.mountPoint());
        assertTrue(ext4.isDevice(7, 7));
        assertFalse(ext4.isDevice(7, 8));
        assertEquals("ext4", ext4.fsType());
        assertEquals("/dev/loop7", ext4.source());
        assertEquals("/mnt1", mounts.get(1).root());
        assertEquals("fuse.rsio", mounts.get(3).fsType());
    }

    @Test
    void readsThisProcesssTable() throws Exception {
        assertTrue(MountTable.read().stream().anyMatch(m -> m.mountPoint().equals(Path.of("/proc"))));
    }
}
