package io.rsio.nbd.transmission;

import io.rsio.nbd.protocol.CommandFlag;
import io.rsio.nbd.protocol.NbdCommand;
import io.rsio.nbd.protocol.NbdError;
import io.rsio.nbd.protocol.NbdProtocol;
import io.rsio.nbd.protocol.TransmissionFlag;
import java.util.Optional;

/**
 * The one place a request is checked before anything is dispatched: command known, flags legal
 * for the command and the negotiation, writes refused on a read-only export, length nonzero and
 * within limits, range inside the export, offset and length aligned to the minimum block size.
 * Errors follow the spec's advice: ENOSPC for writes past the end, EINVAL for other bad ranges
 * and anything malformed, EPERM for writes to a read-only export.
 */
public final class RequestValidator {
    private RequestValidator() {}

    /** The outcome of validation. */
    public sealed interface Verdict {}

    /** A request to serve; {@code flags} are its command flag bits (known ones only, as checked). */
    public record Accepted(NbdCommand command, int flags) implements Verdict {
        public boolean has(CommandFlag flag) {
            return flag.isSetIn(flags);
        }
    }

    public record Rejected(NbdError error, String reason) implements Verdict {}

    public static Verdict validate(NbdRequest request, ExportSession session) {
        Optional<NbdCommand> known = NbdCommand.of(request.type());
        if (known.isEmpty()) {
            return new Rejected(NbdError.EINVAL, "unknown command " + request.type());
        }
        NbdCommand command = known.get();
        String name = command.wireName();
        if (command == NbdCommand.DISC) {
            // DISC has no reply to carry an error, and nothing is gained by refusing it: its
            // offset and length "MUST be zero" and flags make no sense, but the client is leaving
            return new Accepted(command, request.flags() & ~CommandFlag.unknownBits(request.flags()));
        }

        int unknown = CommandFlag.unknownBits(request.flags());
        if (unknown != 0) {
            return new Rejected(NbdError.EINVAL, String.format("%s: unknown flags 0x%x", name, unknown));
        }
        // Bits, not a set of flags: this runs for every request.
        int flags = request.flags();
        CommandFlag illegal = CommandFlag.firstIllegal(flags, command);
        if (illegal != null) {
            return new Rejected(NbdError.EINVAL, name + ": flag " + illegal + " is not valid for this command");
        }
        if (CommandFlag.DF.isSetIn(flags) && !session.structuredReplies()) {
            return new Rejected(NbdError.EINVAL, name + ": DF needs structured replies");
        }
        if (CommandFlag.FAST_ZERO.isSetIn(flags) && !session.advertises(TransmissionFlag.SEND_FAST_ZERO)) {
            return new Rejected(NbdError.EINVAL, name + ": FAST_ZERO was not advertised");
        }

        if (command.writesData() && session.target().readOnly()) {
            return new Rejected(NbdError.EPERM, name + ": export " + session.exportName() + " is read-only");
        }
        if (command == NbdCommand.BLOCK_STATUS && !session.baseAllocation()) {
            return new Rejected(NbdError.EINVAL, name + ": no metadata context was negotiated");
        }
        if ((command == NbdCommand.TRIM || command == NbdCommand.WRITE_ZEROES) && !session.advertises(
                command == NbdCommand.TRIM ? TransmissionFlag.SEND_TRIM : TransmissionFlag.SEND_WRITE_ZEROES)) {
            return new Rejected(NbdError.EINVAL, name + " was not advertised");
        }

        if (command == NbdCommand.FLUSH) {
            if (request.offset() != 0 || request.length() != 0) {
                return new Rejected(NbdError.EINVAL, name + ": offset and length must be zero");
            }
            return new Accepted(command, flags);
        }

        return checkRange(request, session, command, name).<Verdict>map(r -> r).orElse(new Accepted(command, flags));
    }

    private static Optional<Rejected> checkRange(NbdRequest request, ExportSession session, NbdCommand command,
            String name) {
        long offset = request.offset();
        long length = request.length();
        if (length == 0) {
            return Optional.of(new Rejected(NbdError.EINVAL, name + ": zero length"));
        }
        if ((command == NbdCommand.READ || command == NbdCommand.WRITE) && length > NbdProtocol.MAX_PAYLOAD) {
            return Optional.of(new Rejected(NbdError.EINVAL,
                    name + ": length " + length + " exceeds the " + NbdProtocol.MAX_PAYLOAD + "-byte maximum"));
        }
        long size = session.target().size();
        // offset is u64 on the wire: negative here means beyond 2^63, which no export reaches
        if (offset < 0 || offset > size || length > size - offset) {
            NbdError error = command == NbdCommand.WRITE || command == NbdCommand.WRITE_ZEROES
                    ? NbdError.ENOSPC : NbdError.EINVAL;
            return Optional.of(new Rejected(error, String.format("%s: range %s+%d is beyond the end of the %d-byte export",
                    name, Long.toUnsignedString(offset), length, size)));
        }
        // the final partial block of an export whose size is not a multiple of the block size
        // can only be reached with an unaligned length, so that one is allowed
        boolean lengthAligned = session.sizes().aligned(length) || offset + length == size;
        if (!session.sizes().aligned(offset) || !lengthAligned) {
            return Optional.of(new Rejected(NbdError.EINVAL, String.format("%s: %d+%d is not aligned to %d bytes",
                    name, offset, length, session.sizes().minimum())));
        }
        return Optional.empty();
    }
}
