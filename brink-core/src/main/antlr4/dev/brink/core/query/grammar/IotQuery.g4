/*
 * IoT Hub query language (twin queries) and the condition sub-language shared with message routes.
 * Three entry rules: `query` (SELECT ... FROM ...), `condition` (a bare boolean expression, e.g. a
 * route condition over `$body.x`, `$connectionDeviceId`, application properties) and `route`
 * (an edge hub route `[SELECT *] FROM /source [WHERE condition] INTO sink`).
 * Keywords and function names are case-insensitive; attribute names keep their spelling in token text.
 * Semantic checks (known functions, FROM source, aggregates) happen when the tree is compiled, not here.
 */
grammar IotQuery;

options { caseInsensitive = true; }

query
    : SELECT selectList FROM fromSource (WHERE expression)? (GROUP BY attributePath (',' attributePath)*)? EOF
    ;

condition
    : expression EOF
    ;

// Edge hub route. The source path and the sink are only shaped here; which paths and sinks are allowed
// is checked when the route is compiled (dev.brink.core.route), so errors can say what is expected.
route
    : (SELECT STAR)? FROM routeSource (WHERE expression)? INTO routeSink EOF
    ;

// `/messages/modules/my-module/outputs/*`: the segments are re-read from the input text, so a name made of
// several tokens (`my-module`) keeps its spelling; whitespace inside the path is rejected by the compiler.
routeSource
    : SLASH routeSegment (SLASH routeSegment)*
    ;

routeSegment
    : STAR
    | routeWord+
    ;

routeWord
    : IDENTIFIER | NUMBER | MINUS | PLUS | PERCENT | '.'
    | SELECT | TOP | FROM | GROUP | BY | AS | AND | OR | NOT | IN | NIN | TRUE | FALSE | NULL | UNDEFINED
    ;

// `$upstream` or `BrokeredEndpoint("/modules/{m}/inputs/{i}")`.
routeSink
    : IDENTIFIER ('(' STRING ')')?
    ;

selectList
    : (TOP top=NUMBER)? (STAR | projection (',' projection)*)
    ;

projection
    : expression (AS alias=name)?
    ;

fromSource
    : name ('.' name)?
    ;

// Alternatives are listed from the tightest binding to the loosest (ANTLR precedence climbing).
// `||` (string concatenation) and `??` (coalesce) bind above comparisons, so `$body.t ?? 0 > 5` compares
// the coalesced value. `{$name}` is a braced system property (routes).
expression
    : '(' expression ')'                                        # parenExpr
    | literal                                                   # literalExpr
    | arrayLiteral                                              # arrayExpr
    | functionCall                                              # callExpr
    | attributePath                                             # pathExpr
    | '{' IDENTIFIER '}'                                        # bracedPropertyExpr
    | op=(PLUS | MINUS) expression                              # unaryExpr
    | expression op=(STAR | SLASH | PERCENT) expression         # mulExpr
    | expression op=(PLUS | MINUS) expression                   # addExpr
    | expression CONCAT expression                              # concatExpr
    | expression COALESCE expression                            # coalesceExpr
    | expression op=(EQ | NEQ | LT | GT | LE | GE) expression   # compareExpr
    | expression op=(IN | NIN) arrayLiteral                     # inExpr
    | NOT expression                                            # notExpr
    | expression AND expression                                 # andExpr
    | expression OR expression                                  # orExpr
    ;

functionCall
    : IDENTIFIER '(' (expression (',' expression)*)? ')'
    ;

arrayLiteral
    : '[' (expression (',' expression)*)? ']'
    ;

// The first segment must be a plain identifier; later ones may be keywords (tags.from) or brackets
// (properties.reported.['odd-key'], $body.items[0]).
attributePath
    : IDENTIFIER pathSuffix*
    ;

pathSuffix
    : '.' name                                  # dotSegment
    | '.'? '[' key=(STRING | NUMBER) ']'        # bracketSegment
    ;

name
    : IDENTIFIER
    | SELECT | TOP | FROM | WHERE | GROUP | BY | AS | AND | OR | NOT | IN | NIN | TRUE | FALSE | NULL | UNDEFINED
    | INTO
    ;

literal
    : NULL | UNDEFINED | TRUE | FALSE | NUMBER | STRING
    ;

SELECT    : 'SELECT';
TOP       : 'TOP';
FROM      : 'FROM';
WHERE     : 'WHERE';
GROUP     : 'GROUP';
BY        : 'BY';
AS        : 'AS';
AND       : 'AND';
OR        : 'OR';
NOT       : 'NOT';
IN        : 'IN';
NIN       : 'NIN';
TRUE      : 'TRUE';
FALSE     : 'FALSE';
NULL      : 'NULL';
UNDEFINED : 'UNDEFINED';
INTO      : 'INTO';

CONCAT   : '||';
COALESCE : '??';
STAR    : '*';
SLASH   : '/';
PERCENT : '%';
PLUS    : '+';
MINUS   : '-';
EQ      : '=';
NEQ     : '!=' | '<>';
LE      : '<=';
GE      : '>=';
LT      : '<';
GT      : '>';

NUMBER
    : '0X' HEX+
    | DIGIT+ ('.' DIGIT+)? ('E' [+-]? DIGIT+)?
    ;

STRING
    : '\'' (ESCAPE | ~['\\\r\n])* '\''
    | '"' (ESCAPE | ~["\\\r\n])* '"'
    ;

// `$` is an identifier character so route paths ($body, $connectionDeviceId) and $version lex as names.
IDENTIFIER
    : [A-Z_$] [A-Z_$0-9]*
    ;

WS : [ \t\r\n]+ -> skip;

fragment ESCAPE : '\\' (['"\\/bfnrt] | 'U' HEX HEX HEX HEX);
fragment HEX    : [0-9A-F];
fragment DIGIT  : [0-9];
