package io.coxswain.ls.model;

/** A range of text in lines and columns (0-based, end exclusive), local to a section or absolute in a file. */
public record Span(int startLine, int startColumn, int endLine, int endColumn) {

    public Span shift(int lines) {
        return new Span(startLine + lines, startColumn, endLine + lines, endColumn);
    }

    public boolean contains(int line, int column) {
        boolean afterStart = line > startLine || (line == startLine && column >= startColumn);
        boolean beforeEnd = line < endLine || (line == endLine && column <= endColumn);
        return afterStart && beforeEnd;
    }
}
