package io.rsio.control;

import java.util.List;

/** One answer on the control socket: {@code OK}, the rows, then a line with a single dot; or {@code ERR reason}. */
public record ControlResponse(boolean ok, String error, List<Record> rows) {
    public static ControlResponse ok(List<? extends Record> rows) {
        return new ControlResponse(true, "", List.copyOf(rows));
    }

    public static ControlResponse error(String reason) {
        return new ControlResponse(false, reason, List.of());
    }

    String render() {
        if (!ok) {
            return "ERR " + error.replace('\n', ' ') + "\n";
        }
        StringBuilder text = new StringBuilder("OK\n");
        rows.forEach(r -> text.append(RowCodec.encode(r)).append('\n'));
        return text.append(".\n").toString();
    }

    @SuppressWarnings("unchecked")
    public <T extends Record> List<T> rows(Class<T> kind) {
        return (List<T>) rows.stream().filter(kind::isInstance).toList();
    }
}
