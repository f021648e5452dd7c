package org.ecrl4j.data;

import java.io.IOException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed header of a {@code .npy} file: the element type as stored, its byte order, Fortran
 * order and the shape.
 *
 * <p>The header is a Python dict literal such as
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (20, 768), }}. It is parsed by a small
 * literal parser that accepts strings, integers, {@code True}/{@code False}/{@code None}, tuples,
 * lists and dicts; nothing is ever evaluated or unpickled.
 */
final class NpyHeader {

    /** A dtype as it is stored in the file, before widening to one of {@link NpyArray.DType}. */
    enum StoredType {
        F2('f', 2, NpyArray.DType.FLOAT16, "float16"),
        F4('f', 4, NpyArray.DType.FLOAT32, "float32"),
        F8('f', 8, NpyArray.DType.FLOAT64, "float64"),
        I1('i', 1, NpyArray.DType.INT32, "int8"),
        I2('i', 2, NpyArray.DType.INT32, "int16"),
        I4('i', 4, NpyArray.DType.INT32, "int32"),
        I8('i', 8, NpyArray.DType.INT64, "int64"),
        U1('u', 1, NpyArray.DType.INT32, "uint8"),
        U2('u', 2, NpyArray.DType.INT32, "uint16"),
        U4('u', 4, NpyArray.DType.INT64, "uint32"),
        U8('u', 8, NpyArray.DType.INT64, "uint64"),
        B1('b', 1, NpyArray.DType.INT32, "bool");

        final char kind;
        final int itemSize;
        final NpyArray.DType target;
        final String numpyName;

        StoredType(char kind, int itemSize, NpyArray.DType target, String numpyName) {
            this.kind = kind;
            this.itemSize = itemSize;
            this.target = target;
            this.numpyName = numpyName;
        }

        static StoredType of(char kind, int itemSize) {
            for (StoredType t : values()) {
                if (t.kind == kind && t.itemSize == itemSize) {
                    return t;
                }
            }
            return null;
        }
    }

    final StoredType type;
    final ByteOrder order;
    final boolean fortranOrder;
    final long[] shape;
    final String descr;

    private NpyHeader(StoredType type, ByteOrder order, boolean fortranOrder, long[] shape, String descr) {
        this.type = type;
        this.order = order;
        this.fortranOrder = fortranOrder;
        this.shape = shape;
        this.descr = descr;
    }

    /** Parses the header text of file {@code name}; every error names the file. */
    static NpyHeader parse(String text, String name) throws IOException {
        Object parsed;
        try {
            LiteralParser p = new LiteralParser(text);
            parsed = p.value();
            p.skipSpace();
            if (!p.atEnd()) {
                throw p.error("unexpected text after the header dict");
            }
        } catch (IllegalArgumentException e) {
            throw new IOException(name + ": malformed .npy header (" + AnnotationException.quote(String.valueOf(e.getMessage()), false) + "): "
                    + abbreviate(text) + "; re-export the file with np.save", e);
        }
        if (!(parsed instanceof Map<?, ?> dict)) {
            throw new IOException(name + ": malformed .npy header: expected a dict, got " + abbreviate(text)
                    + "; re-export the file with np.save");
        }
        for (String key : List.of("descr", "fortran_order", "shape")) {
            if (!dict.containsKey(key)) {
                throw new IOException(name + ": malformed .npy header: key '" + key + "' missing in "
                        + abbreviate(text) + "; re-export the file with np.save");
            }
        }
        Object descrObj = dict.get("descr");
        if (!(descrObj instanceof String descr)) {
            throw new IOException(name + ": structured dtype " + abbreviate(String.valueOf(descrObj))
                    + " (record array) is not supported; save each field as its own numeric array");
        }
        Object fortranObj = dict.get("fortran_order");
        if (!(fortranObj instanceof Boolean fortran)) {
            throw new IOException(name + ": malformed .npy header: 'fortran_order' must be True or False, got "
                    + abbreviate(String.valueOf(fortranObj)) + "; re-export the file with np.save");
        }
        Object shapeObj = dict.get("shape");
        if (!(shapeObj instanceof List<?> dims) || !(shapeObj instanceof Tuple)) {
            throw new IOException(name + ": malformed .npy header: 'shape' must be a tuple of integers, got "
                    + abbreviate(String.valueOf(shapeObj)) + "; re-export the file with np.save");
        }
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!(dims.get(i) instanceof Long d) || d < 0) {
                throw new IOException(name + ": malformed .npy header: bad dimension " + abbreviate(String.valueOf(dims.get(i)))
                        + " in shape " + abbreviate(String.valueOf(shapeObj)) + "; re-export the file with np.save");
            }
            shape[i] = d;
        }
        return new NpyHeader(parseDescr(descr, name), byteOrder(descr), fortran, shape, descr);
    }

    private static ByteOrder byteOrder(String descr) {
        // '<' little, '>' big, '|' not applicable (1-byte types), '=' native (NumPy never writes it)
        return descr.startsWith(">") ? ByteOrder.BIG_ENDIAN
                : descr.startsWith("=") ? ByteOrder.nativeOrder() : ByteOrder.LITTLE_ENDIAN;
    }

    private static StoredType parseDescr(String descr, String name) throws IOException {
        String d = descr;
        if (!d.isEmpty() && "<>|=".indexOf(d.charAt(0)) >= 0) {
            d = d.substring(1);
        }
        if (d.startsWith("O")) {
            throw new IOException(name + ": dtype object (" + AnnotationException.quote(descr) + ") holds pickled Python objects and is"
                    + " refused; save numeric arrays (np.save with a numeric dtype)");
        }
        if (d.length() >= 2 && Character.isDigit(d.charAt(1))) {
            try {
                StoredType t = StoredType.of(d.charAt(0), Integer.parseInt(d.substring(1)));
                if (t != null) {
                    return t;
                }
            } catch (NumberFormatException ignored) {
                // falls through to the error below
            }
        }
        String what = switch (d.isEmpty() ? ' ' : d.charAt(0)) {
            case 'U', 'S', 'a' -> "string dtype";
            case 'c' -> "complex dtype";
            case 'M', 'm' -> "datetime dtype";
            case 'V' -> "void/structured dtype";
            default -> "dtype";
        };
        throw new IOException(name + ": " + what + " " + AnnotationException.quote(descr) + " is not supported; save the array as"
                + " float16/float32/float64/int32/int64 (or int8/uint8/int16/uint16/uint32/uint64/bool)");
    }

    private static String abbreviate(String s) {
        return AnnotationException.quote(s.strip(), false);
    }

    /** A parsed Python tuple (a list that remembers it was written with parentheses). */
    static final class Tuple extends ArrayList<Object> {
        private static final long serialVersionUID = 1L;
    }

    /** Recursive-descent parser for the subset of Python literals that NumPy headers use. */
    private static final class LiteralParser {
        private final String s;
        private int pos;

        LiteralParser(String s) {
            this.s = s;
        }

        boolean atEnd() {
            return pos >= s.length();
        }

        void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException(what + " at character " + pos);
        }

        private boolean consume(char c) {
            skipSpace();
            if (pos < s.length() && s.charAt(pos) == c) {
                pos++;
                return true;
            }
            return false;
        }

        Object value() {
            skipSpace();
            if (atEnd()) {
                throw error("unexpected end");
            }
            char c = s.charAt(pos);
            if (c == '{') {
                pos++;
                Map<Object, Object> map = new LinkedHashMap<>();
                while (!consume('}')) {
                    Object key = value();
                    if (!consume(':')) {
                        throw error("':' expected");
                    }
                    map.put(key, value());
                    if (!consume(',')) {
                        if (!consume('}')) {
                            throw error("',' or '}' expected");
                        }
                        break;
                    }
                }
                return map;
            }
            if (c == '(' || c == '[') {
                char close = c == '(' ? ')' : ']';
                pos++;
                List<Object> list = c == '(' ? new Tuple() : new ArrayList<>();
                while (!consume(close)) {
                    list.add(value());
                    if (!consume(',')) {
                        if (!consume(close)) {
                            throw error("',' or '" + close + "' expected");
                        }
                        break;
                    }
                }
                return list;
            }
            if (c == '\'' || c == '"') {
                pos++;
                StringBuilder b = new StringBuilder();
                while (true) {
                    if (atEnd()) {
                        throw error("unterminated string");
                    }
                    char ch = s.charAt(pos++);
                    if (ch == c) {
                        return b.toString();
                    }
                    if (ch == '\\' && !atEnd()) {
                        ch = s.charAt(pos++);
                    }
                    b.append(ch);
                }
            }
            if (c == '-' || Character.isDigit(c)) {
                int start = pos++;
                while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                    pos++;
                }
                String digits = s.substring(start, pos);
                if (pos < s.length() && (s.charAt(pos) == 'L' || s.charAt(pos) == 'l')) {
                    pos++; // Python 2 long suffix, as in (3L, 4L)
                }
                try {
                    return Long.parseLong(digits);
                } catch (NumberFormatException e) {
                    throw error("bad integer " + AnnotationException.quote(digits));
                }
            }
            for (String word : new String[] {"True", "False", "None"}) {
                if (s.startsWith(word, pos)) {
                    pos += word.length();
                    return word.equals("None") ? null : Boolean.valueOf(word.equals("True"));
                }
            }
            throw error("unexpected '" + c + "'");
        }
    }
}
