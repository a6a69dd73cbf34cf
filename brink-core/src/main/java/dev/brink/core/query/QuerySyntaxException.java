package dev.brink.core.query;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;

/** A query or condition that does not parse; the message names line and column. */
public class QuerySyntaxException extends BrinkException {
    private final int line;
    private final int column;

    public QuerySyntaxException(String message, int line, int column) {
        super(ErrorCode.ArgumentInvalid, message);
        this.line = line;
        this.column = column;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }
}
