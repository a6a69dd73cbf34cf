package dev.brink.core.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;

/**
 * The compiled, evaluable expression tree. The ANTLR parse tree is translated into these records once;
 * evaluation is plain virtual dispatch, because the hub runs a query over up to a million twins.
 * {@link #eval} returns {@code null} for undefined.
 */
sealed interface Expr {

    JsonNode eval(ValueResolver resolver);

    record Const(JsonNode value) implements Expr {
        @Override
        public JsonNode eval(ValueResolver resolver) {
            return value;
        }
    }

    record Path(List<String> segments) implements Expr {
        public Path {
            segments = List.copyOf(segments);
        }

        @Override
        public JsonNode eval(ValueResolver resolver) {
            return Values.defined(resolver.resolve(segments));
        }

        String lastSegment() {
            return segments.get(segments.size() - 1);
        }

        /** Same path under the query rules (first segment case-insensitive). */
        boolean sameAs(Path other) {
            return segments.size() == other.segments.size()
                    && segments.get(0).equalsIgnoreCase(other.segments.get(0))
                    && segments.subList(1, segments.size()).equals(other.segments.subList(1, segments.size()));
        }
    }

    record ArrayLiteral(List<Expr> elements) implements Expr {
        @Override
        public JsonNode eval(ValueResolver resolver) {
            ArrayNode array = JsonNodeFactory.instance.arrayNode(elements.size());
            for (Expr element : elements) {
                JsonNode value = element.eval(resolver);
                if (value != null) {
                    array.add(value);
                }
            }
            return array;
        }
    }

    record Negate(Expr operand) implements Expr {
        @Override
        public JsonNode eval(ValueResolver resolver) {
            JsonNode value = operand.eval(resolver);
            return Values.isNumber(value) ? Values.number(-value.doubleValue()) : null;
        }
    }

    enum ArithmeticOp { ADD, SUBTRACT, MULTIPLY, DIVIDE, MODULO }

    record Arithmetic(ArithmeticOp op, Expr left, Expr right) implements Expr {
        @Override
        public JsonNode eval(ValueResolver resolver) {
            JsonNode l = left.eval(resolver);
            if (!Values.isNumber(l)) {
                return null;
            }
            JsonNode r = right.eval(resolver);
            if (!Values.isNumber(r)) {
                return null;
            }
            double a = l.doubleValue();
            double b = r.doubleValue();
            return switch (op) {
                case ADD -> Values.number(a + b);
                case SUBTRACT -> Values.number(a - b);
                case MULTIPLY -> Values.number(a * b);
                case DIVIDE -> b == 0 ? null : Values.number(a / b);
                case MODULO -> b == 0 ? null : Values.number(a % b);
            };
        }
    }

    enum CompareOp { EQ, NEQ, LT, GT, LE, GE }

    record Compare(CompareOp op, Expr left, Expr right) implements Expr {
        @Override
        public JsonNode eval(ValueResolver resolver) {
            Integer order = Values.compare(left.eval(resolver), right.eval(resolver));
            if (order == null) {
                return null;
            }
            int c = order;
            return Values.bool(switch (op) {
                case EQ -> c == 0;
                case NEQ -> c != 0;
                case LT -> c < 0;
                case GT -> c > 0;
                case LE -> c <= 0;
                case GE -> c >= 0;
            });
        }
    }

    /** {@code x IN [...]} / {@code x NIN [...]}: undefined when x is undefined or not a primitive. */
    record In(Expr value, List<Expr> candidates, boolean negated) implements Expr {
        @Override
        public JsonNode eval(ValueResolver resolver) {
            JsonNode v = value.eval(resolver);
            if (!Values.isPrimitive(v)) {
                return null;
            }
            for (Expr candidate : candidates) {
                Integer order = Values.compare(v, candidate.eval(resolver));
                if (order != null && order == 0) {
                    return Values.bool(!negated);
                }
            }
            return Values.bool(negated);
        }
    }

    record Not(Expr operand) implements Expr {
        @Override
        public JsonNode eval(ValueResolver resolver) {
            JsonNode value = operand.eval(resolver);
            return value != null && value.isBoolean() ? Values.bool(!value.booleanValue()) : null;
        }
    }

    /** Three-valued AND: false wins over undefined, undefined wins over true. */
    record And(Expr left, Expr right) implements Expr {
        @Override
        public JsonNode eval(ValueResolver resolver) {
            JsonNode l = left.eval(resolver);
            if (l != null && l.isBoolean() && !l.booleanValue()) {
                return l;
            }
            JsonNode r = right.eval(resolver);
            if (r == null || !r.isBoolean()) {
                return null;
            }
            if (!r.booleanValue()) {
                return r;
            }
            return Values.isTrue(l) ? r : null;
        }
    }

    /** Three-valued OR: true wins over undefined, undefined wins over false. */
    record Or(Expr left, Expr right) implements Expr {
        @Override
        public JsonNode eval(ValueResolver resolver) {
            JsonNode l = left.eval(resolver);
            if (Values.isTrue(l)) {
                return l;
            }
            JsonNode r = right.eval(resolver);
            if (Values.isTrue(r)) {
                return r;
            }
            boolean bothFalse = l != null && l.isBoolean() && r != null && r.isBoolean();
            return bothFalse ? r : null;
        }
    }

    /** {@code a || b}: string concatenation; undefined unless both sides are strings (Cosmos DB rule). */
    record Concat(Expr left, Expr right) implements Expr {
        @Override
        public JsonNode eval(ValueResolver resolver) {
            JsonNode l = left.eval(resolver);
            if (!Values.isString(l)) {
                return null;
            }
            JsonNode r = right.eval(resolver);
            return Values.isString(r) ? TextNode.valueOf(l.textValue().concat(r.textValue())) : null;
        }
    }

    /** {@code a ?? b}: a when defined (JSON null counts as defined), else b. */
    record Coalesce(Expr left, Expr right) implements Expr {
        @Override
        public JsonNode eval(ValueResolver resolver) {
            JsonNode l = left.eval(resolver);
            return l != null ? l : right.eval(resolver);
        }
    }

    /** {@code {$name}} in a route condition: strictly a system property (see {@link ValueResolver#resolveSystemProperty}). */
    record BracedProperty(String name) implements Expr {
        @Override
        public JsonNode eval(ValueResolver resolver) {
            return Values.defined(resolver.resolveSystemProperty(name));
        }
    }

    record Call(BuiltinFunction function, List<Expr> arguments) implements Expr {
        @Override
        public JsonNode eval(ValueResolver resolver) {
            JsonNode[] values = new JsonNode[arguments.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = arguments.get(i).eval(resolver);
            }
            return function.apply(values);
        }
    }
}
