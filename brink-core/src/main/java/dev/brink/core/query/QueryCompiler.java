package dev.brink.core.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.brink.core.query.grammar.IotQueryBaseVisitor;
import dev.brink.core.query.grammar.IotQueryLexer;
import dev.brink.core.query.grammar.IotQueryParser;
import dev.brink.core.query.grammar.IotQueryParser.*;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.Interval;

/**
 * Parses text with the ANTLR grammar and translates the parse tree into {@link Expr} records and a
 * {@link QueryPlan}. All semantic errors (unknown function, bad arity, misplaced aggregate) are reported
 * as {@link QuerySyntaxException} with a 1-based line and column, like the grammar's own errors.
 */
final class QueryCompiler extends IotQueryBaseVisitor<Expr> {

    /** Throws on the first lexer or parser error instead of printing to the console and recovering. */
    private static final BaseErrorListener FIRST_ERROR_THROWS = new BaseErrorListener() {
        @Override
        public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line,
                                int charPositionInLine, String msg, RecognitionException e) {
            throw error(line, charPositionInLine, msg);
        }
    };

    private QueryCompiler() {
    }

    static Expr compileCondition(String text) {
        ConditionContext tree = parser(text).condition();
        return new QueryCompiler().visit(tree.expression());
    }

    /**
     * Parses a route and shapes its parts; which sources and sinks are allowed is checked by the caller.
     * The source text is re-read from the input so a name lexed as several tokens keeps its spelling.
     */
    static RouteStatement compileRoute(String text) {
        RouteContext tree = parser(text).route();
        RouteSourceContext source = tree.routeSource();
        String sourceText = source.getStart().getInputStream()
                .getText(Interval.of(source.getStart().getStartIndex(), source.getStop().getStopIndex()));
        for (int i = 0; i < sourceText.length(); i++) {
            if (Character.isWhitespace(sourceText.charAt(i))) {
                throw error(source, "the source path '" + sourceText + "' must not contain whitespace");
            }
        }
        Condition condition = tree.expression() == null ? null : Condition.of(new QueryCompiler().visit(tree.expression()));
        RouteSinkContext sink = tree.routeSink();
        String argument = sink.STRING() == null ? null : unquote(sink.STRING().getSymbol());
        return new RouteStatement(sourceText, source.getStart().getLine(),
                source.getStart().getCharPositionInLine() + 1, condition,
                sink.IDENTIFIER().getText(), argument, sink.getStart().getLine(),
                sink.getStart().getCharPositionInLine() + 1);
    }

    static QueryPlan compileQuery(String text) {
        QueryContext tree = parser(text).query();
        QueryCompiler compiler = new QueryCompiler();
        boolean fromModules = fromModules(tree.fromSource());
        SelectListContext select = tree.selectList();
        int top = select.top == null ? -1 : topValue(select.top);
        List<Projection> projections = null;
        if (select.STAR() == null) {
            projections = new ArrayList<>();
            for (ProjectionContext p : select.projection()) {
                projections.add(compiler.projection(p, projections));
            }
        }
        Expr where = tree.expression() == null ? null : compiler.visit(tree.expression());
        List<Expr.Path> groupBy = new ArrayList<>();
        for (AttributePathContext path : tree.attributePath()) {
            groupBy.add(compiler.path(path));
        }
        QueryPlan plan = new QueryPlan(fromModules, top, projections, where, List.copyOf(groupBy));
        if (plan.isAggregate() && projections != null) {
            checkAggregateProjections(select.projection(), projections, groupBy);
        }
        return plan;
    }

    private static IotQueryParser parser(String text) {
        IotQueryLexer lexer = new IotQueryLexer(CharStreams.fromString(text));
        lexer.removeErrorListeners();
        lexer.addErrorListener(FIRST_ERROR_THROWS);
        IotQueryParser parser = new IotQueryParser(new CommonTokenStream(lexer));
        parser.removeErrorListeners();
        parser.addErrorListener(FIRST_ERROR_THROWS);
        return parser;
    }

    static QuerySyntaxException error(int line, int charPositionInLine, String message) {
        int column = charPositionInLine + 1;
        return new QuerySyntaxException("Syntax error at line " + line + ", column " + column + ": " + message,
                line, column);
    }

    private static QuerySyntaxException error(Token at, String message) {
        return error(at.getLine(), at.getCharPositionInLine(), message);
    }

    private static QuerySyntaxException error(ParserRuleContext at, String message) {
        return error(at.getStart(), message);
    }

    private static boolean fromModules(FromSourceContext from) {
        String source = from.getText().toLowerCase(Locale.ROOT);
        return switch (source) {
            case "devices" -> false;
            case "devices.modules" -> true;
            default -> throw error(from, "unsupported collection '" + from.getText()
                    + "'; expected devices or devices.modules");
        };
    }

    private static int topValue(Token token) {
        String text = token.getText();
        if (!text.chars().allMatch(Character::isDigit) || text.length() > 9) {
            throw error(token, "TOP expects a non-negative integer, got '" + text + "'");
        }
        return Integer.parseInt(text);
    }

    /**
     * Compiles one select-list item and fixes its result name where it does not depend on the document:
     * the alias; an aggregate's default name (suffixed with its position if an earlier column took it);
     * "$n" (1-based position) for an unaliased computed expression.
     */
    private Projection projection(ProjectionContext p, List<Projection> earlier) {
        String alias = p.alias == null ? null : p.alias.getText();
        int position = earlier.size() + 1;
        ExpressionContext expression = p.expression();
        if (expression instanceof CallExprContext call) {
            FunctionCallContext fn = call.functionCall();
            AggregateFunction aggregate = AggregateFunction.byName(fn.IDENTIFIER().getText());
            if (aggregate != null) {
                if (fn.expression().size() != aggregate.arguments()) {
                    throw error(fn, aggregate.name() + " expects " + aggregate.arguments() + " argument(s)");
                }
                Expr argument = aggregate.arguments() == 0 ? null : visit(fn.expression(0));
                String name = alias;
                if (name == null) {
                    name = aggregate.defaultName();
                    String taken = name;
                    if (earlier.stream().anyMatch(e -> taken.equals(e.name()))) {
                        name = name + position;
                    }
                }
                return new Projection(name, argument, aggregate);
            }
        }
        Expr expr = visit(expression);
        if (alias == null && !(expr instanceof Expr.Path)) {
            alias = "$" + position;
        }
        return new Projection(alias, expr, null);
    }

    /** In an aggregate query every plain projection must be one of the GROUP BY paths. */
    private static void checkAggregateProjections(List<ProjectionContext> contexts, List<Projection> projections,
                                                  List<Expr.Path> groupBy) {
        for (int i = 0; i < projections.size(); i++) {
            Projection p = projections.get(i);
            if (p.isAggregate()) {
                continue;
            }
            boolean isKey = p.expr() instanceof Expr.Path path && groupBy.stream().anyMatch(path::sameAs);
            if (!isKey) {
                throw error(contexts.get(i), "'" + contexts.get(i).expression().getText()
                        + "' must be an aggregate or a GROUP BY expression");
            }
        }
    }

    @Override
    public Expr visitParenExpr(ParenExprContext ctx) {
        return visit(ctx.expression());
    }

    @Override
    public Expr visitLiteralExpr(LiteralExprContext ctx) {
        return new Expr.Const(literal(ctx.literal().getStart()));
    }

    @Override
    public Expr visitArrayExpr(ArrayExprContext ctx) {
        return new Expr.ArrayLiteral(elements(ctx.arrayLiteral()));
    }

    @Override
    public Expr visitCallExpr(CallExprContext ctx) {
        FunctionCallContext fn = ctx.functionCall();
        String name = fn.IDENTIFIER().getText();
        if (AggregateFunction.byName(name) != null) {
            throw error(fn, "aggregate " + name.toUpperCase(Locale.ROOT) + " is only allowed as a select-list item");
        }
        BuiltinFunction function = BuiltinFunction.byName(name);
        if (function == null) {
            throw error(fn, "unknown function '" + name + "'");
        }
        if (!function.acceptsArity(fn.expression().size())) {
            throw error(fn, function.name() + " expects " + function.arityText());
        }
        List<Expr> arguments = new ArrayList<>();
        for (ExpressionContext argument : fn.expression()) {
            arguments.add(visit(argument));
        }
        return new Expr.Call(function, List.copyOf(arguments));
    }

    @Override
    public Expr visitPathExpr(PathExprContext ctx) {
        return path(ctx.attributePath());
    }

    @Override
    public Expr visitBracedPropertyExpr(BracedPropertyExprContext ctx) {
        String name = ctx.IDENTIFIER().getText();
        if (!name.startsWith("$") || name.length() < 2) {
            throw error(ctx, "only system properties may be braced ({$name}), got '{" + name + "}'");
        }
        return new Expr.BracedProperty(name);
    }

    @Override
    public Expr visitConcatExpr(ConcatExprContext ctx) {
        return new Expr.Concat(visit(ctx.expression(0)), visit(ctx.expression(1)));
    }

    @Override
    public Expr visitCoalesceExpr(CoalesceExprContext ctx) {
        return new Expr.Coalesce(visit(ctx.expression(0)), visit(ctx.expression(1)));
    }

    @Override
    public Expr visitUnaryExpr(UnaryExprContext ctx) {
        Expr operand = visit(ctx.expression());
        return ctx.op.getType() == IotQueryLexer.MINUS ? new Expr.Negate(operand) : operand;
    }

    @Override
    public Expr visitMulExpr(MulExprContext ctx) {
        Expr.ArithmeticOp op = switch (ctx.op.getType()) {
            case IotQueryLexer.STAR -> Expr.ArithmeticOp.MULTIPLY;
            case IotQueryLexer.SLASH -> Expr.ArithmeticOp.DIVIDE;
            default -> Expr.ArithmeticOp.MODULO;
        };
        return new Expr.Arithmetic(op, visit(ctx.expression(0)), visit(ctx.expression(1)));
    }

    @Override
    public Expr visitAddExpr(AddExprContext ctx) {
        Expr.ArithmeticOp op = ctx.op.getType() == IotQueryLexer.PLUS ? Expr.ArithmeticOp.ADD : Expr.ArithmeticOp.SUBTRACT;
        return new Expr.Arithmetic(op, visit(ctx.expression(0)), visit(ctx.expression(1)));
    }

    @Override
    public Expr visitCompareExpr(CompareExprContext ctx) {
        Expr.CompareOp op = switch (ctx.op.getType()) {
            case IotQueryLexer.EQ -> Expr.CompareOp.EQ;
            case IotQueryLexer.NEQ -> Expr.CompareOp.NEQ;
            case IotQueryLexer.LT -> Expr.CompareOp.LT;
            case IotQueryLexer.GT -> Expr.CompareOp.GT;
            case IotQueryLexer.LE -> Expr.CompareOp.LE;
            default -> Expr.CompareOp.GE;
        };
        return new Expr.Compare(op, visit(ctx.expression(0)), visit(ctx.expression(1)));
    }

    @Override
    public Expr visitInExpr(InExprContext ctx) {
        boolean negated = ctx.op.getType() == IotQueryLexer.NIN;
        return new Expr.In(visit(ctx.expression()), elements(ctx.arrayLiteral()), negated);
    }

    @Override
    public Expr visitNotExpr(NotExprContext ctx) {
        return new Expr.Not(visit(ctx.expression()));
    }

    @Override
    public Expr visitAndExpr(AndExprContext ctx) {
        return new Expr.And(visit(ctx.expression(0)), visit(ctx.expression(1)));
    }

    @Override
    public Expr visitOrExpr(OrExprContext ctx) {
        return new Expr.Or(visit(ctx.expression(0)), visit(ctx.expression(1)));
    }

    private List<Expr> elements(ArrayLiteralContext array) {
        List<Expr> elements = new ArrayList<>();
        for (ExpressionContext element : array.expression()) {
            elements.add(visit(element));
        }
        return List.copyOf(elements);
    }

    private Expr.Path path(AttributePathContext ctx) {
        List<String> segments = new ArrayList<>();
        segments.add(ctx.IDENTIFIER().getText());
        for (PathSuffixContext suffix : ctx.pathSuffix()) {
            if (suffix instanceof DotSegmentContext dot) {
                segments.add(dot.name().getText());
            } else {
                Token key = ((BracketSegmentContext) suffix).key;
                segments.add(key.getType() == IotQueryLexer.STRING ? unquote(key) : key.getText());
            }
        }
        return new Expr.Path(segments);
    }

    private static JsonNode literal(Token token) {
        return switch (token.getType()) {
            case IotQueryLexer.NULL -> NullNode.getInstance();
            case IotQueryLexer.UNDEFINED -> null;
            case IotQueryLexer.TRUE -> Values.bool(true);
            case IotQueryLexer.FALSE -> Values.bool(false);
            case IotQueryLexer.STRING -> TextNode.valueOf(unquote(token));
            default -> number(token);
        };
    }

    private static JsonNode number(Token token) {
        String text = token.getText().toLowerCase(Locale.ROOT);
        if (text.startsWith("0x")) {
            return integer(new BigInteger(text.substring(2), 16));
        }
        if (text.contains(".") || text.contains("e")) {
            return Values.number(Double.parseDouble(text));
        }
        return integer(new BigInteger(text));
    }

    /** Strips the quotes and decodes {@code \' \" \\ \/ \b \f \n \r \t \\uXXXX} (validated by the lexer). */
    private static String unquote(Token token) {
        String text = token.getText();
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 1; i < text.length() - 1; i++) {
            char c = text.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = text.charAt(++i);
            switch (Character.toLowerCase(e)) {
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    out.append((char) Integer.parseInt(text.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> out.append(e);
            }
        }
        return out.toString();
    }

    private static JsonNode integer(BigInteger value) {
        if (value.bitLength() >= 63) {
            return DoubleNode.valueOf(value.doubleValue());
        }
        long v = value.longValue();
        return v == (int) v ? IntNode.valueOf((int) v) : LongNode.valueOf(v);
    }
}
