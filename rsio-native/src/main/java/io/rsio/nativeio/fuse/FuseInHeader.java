package io.rsio.nativeio.fuse;

/**
 * {@code struct fuse_in_header} (40 bytes): {u32 len, u32 opcode, u64 unique, u64 nodeid,
 * u32 uid, u32 gid, u32 pid, u16 total_extlen (8-byte units), u16 padding}.
 */
public record FuseInHeader(int length, int opcode, long unique, long nodeId, int uid, int gid, int pid,
                           int extensionLength) {
    /** For log lines. */
    public String describe() {
        return FuseOpcode.describe(opcode) + " #" + unique + " node " + nodeId + " pid " + pid;
    }
}
