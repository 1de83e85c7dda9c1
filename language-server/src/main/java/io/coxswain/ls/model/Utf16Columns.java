package io.coxswain.ls.model;

/**
 * SnakeYAML counts columns in code points; LSP counts them in UTF-16 units, as Java strings do. They differ only
 * after a character outside the Basic Multilingual Plane (an emoji), so text without one is left as it is.
 */
final class Utf16Columns {

    private static final Utf16Columns IDENTITY = new Utf16Columns(null);

    private final Section lines;

    private Utf16Columns(Section lines) {
        this.lines = lines;
    }

    static Utf16Columns of(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isSurrogate(text.charAt(i))) {
                return new Utf16Columns(new Section(text));
            }
        }
        return IDENTITY;
    }

    /** The UTF-16 column of a code-point column on a line (0-based). */
    int column(int line, int codePointColumn) {
        if (lines == null || line >= lines.lineCount()) {
            return codePointColumn;
        }
        String text = lines.line(line);
        int codePoints = text.codePointCount(0, text.length());
        if (codePointColumn > codePoints) {
            return text.length() + codePointColumn - codePoints;
        }
        return text.offsetByCodePoints(0, codePointColumn);
    }
}
