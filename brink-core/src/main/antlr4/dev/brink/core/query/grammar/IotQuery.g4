/*
 * IoT Hub query language (twin queries) and the condition sub-language shared with message routes.
 * Two entry rules: `query` (SELECT ... FROM ...) and `condition` (a bare boolean expression, e.g. a
 * route condition over `$body.x`, `$connectionDeviceId`, application properties).
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
expression
    : '(' expression ')'                                        # parenExpr
    | literal                                                   # literalExpr
    | arrayLiteral                                              # arrayExpr
    | functionCall                                              # callExpr
    | attributePath                                             # pathExpr
    | op=(PLUS | MINUS) expression                              # unaryExpr
    | expression op=(STAR | SLASH | PERCENT) expression         # mulExpr
    | expression op=(PLUS | MINUS) expression                   # addExpr
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
