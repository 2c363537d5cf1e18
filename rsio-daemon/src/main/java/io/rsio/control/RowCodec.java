package io.rsio.control;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes control rows as one line each: the record's simple name, then its components in
 * declaration order, tab-separated, with backslash escapes for tab, newline and backslash.
 * Both sides use the same record classes, so the layout cannot drift.
 */
public final class RowCodec {
    private RowCodec() {}

    public static String encode(Record row) {
        StringBuilder line = new StringBuilder(row.getClass().getSimpleName());
        for (RecordComponent c : row.getClass().getRecordComponents()) {
            try {
                line.append('\t').append(escape(String.valueOf(c.getAccessor().invoke(row))));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + c.getName() + " of " + row, e);
            }
        }
        return line.toString();
    }

    /** Decodes a line into its row record; a malformed line is an IllegalArgumentException. */
    public static Record decode(String line) {
        List<String> fields = split(line);
        Class<?> kind = null;
        for (Class<?> k : ControlRows.KINDS) {
            if (k.getSimpleName().equals(fields.getFirst())) {
                kind = k;
            }
        }
        if (kind == null) {
            throw new IllegalArgumentException("unknown row kind " + fields.getFirst());
        }
        RecordComponent[] components = kind.getRecordComponents();
        if (fields.size() != components.length + 1) {
            throw new IllegalArgumentException(kind.getSimpleName() + " row has " + (fields.size() - 1)
                    + " fields, expected " + components.length);
        }
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            values[i] = parse(types[i], fields.get(i + 1));
        }
        try {
            return (Record) kind.getDeclaredConstructor(types).newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("cannot build " + kind.getSimpleName(), e);
        }
    }

    private static Object parse(Class<?> type, String text) {
        if (type == int.class) {
            return Integer.parseInt(text);
        } else if (type == long.class) {
            return Long.parseLong(text);
        } else if (type == double.class) {
            return Double.parseDouble(text);
        } else if (type == boolean.class) {
            return Boolean.parseBoolean(text);
        } else if (type == String.class) {
            return text;
        }
        throw new IllegalArgumentException("unsupported field type " + type);
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n");
    }

    private static List<String> split(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (ch == '\t') {
                fields.add(field.toString());
                field.setLength(0);
            } else if (ch == '\\' && i + 1 < line.length()) {
                char next = line.charAt(++i);
                field.append(next == 't' ? '\t' : next == 'n' ? '\n' : next);
            } else {
                field.append(ch);
            }
        }
        fields.add(field.toString());
        return fields;
    }
}
