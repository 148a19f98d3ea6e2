import { ImageKitError } from "../http/imagekit-error";

/**
 * The syntax of ImageKit's `searchQuery` (list API): a tokenizer and a recursive-descent parser
 * to an AST that keeps every position. What the fields mean is `compile-search-query.ts`'s.
 *
 *   query      = or
 *   or         = and { "OR" and }
 *   and        = primary { "AND" primary }
 *   primary    = "(" or ")" | comparison
 *   comparison = field operator [ value | list ]
 *   operator   = "=" | ":" | "<" | "<=" | ">" | ">=" | "IN" | "HAS" | "EXISTS"
 *              | "NOT =" | "NOT IN" | "NOT EXISTS"
 *   list       = "[" item { "," item } "]"
 */

export type Operator =
  | "="
  | ":"
  | "<"
  | "<="
  | ">"
  | ">="
  | "IN"
  | "HAS"
  | "EXISTS"
  | "NOT ="
  | "NOT IN"
  | "NOT EXISTS";

/** A value as written: its text (unescaped), whether it was in double quotes, where it starts. */
export interface Literal {
  text: string;
  quoted: boolean;
  at: number;
}

export interface Comparison {
  kind: "comparison";
  field: string;
  quotedField: boolean;
  fieldAt: number;
  op: Operator;
  opAt: number;
  /** One value; the list's items for `IN` / `NOT IN`; none for `EXISTS` / `NOT EXISTS`. */
  values: Literal[];
}

export type SearchNode = Comparison | { kind: "and" | "or"; operands: SearchNode[] };

/** The 400 of a malformed query: ImageKit's `{ message, help }`, pointing at the position. */
export function invalidSearchQuery(reason: string, at: number): ImageKitError {
  return new ImageKitError(
    400,
    `Your request contains invalid syntax for the searchQuery parameter. ${reason} at position ${at}.`,
  );
}

type TokenKind = "word" | "string" | "op" | "punct" | "end";

export interface Token {
  kind: TokenKind;
  /** The word or operator; a string's content, unescaped. */
  text: string;
  at: number;
  /** Where the next token may start. */
  end: number;
}

const KEYWORDS = new Set(["AND", "OR", "NOT", "IN", "HAS", "EXISTS"]);

const isKeyword = (token: Token, keyword?: string) =>
  token.kind === "word" &&
  KEYWORDS.has(token.text.toUpperCase()) &&
  (keyword === undefined || token.text.toUpperCase() === keyword);

/**
 * A bare word: a name or a plain value (`name`, `red_dress.jpg`, `true`), or, starting with a
 * digit or sign, a number, size, duration or date (`500`, `1mb`, `7d`, `2020-01-01T12:12:12`);
 * only the latter may hold `:`, so `name:"x"` still reads as field, operator, value.
 */
const WORD = /[A-Za-z_][\w.-]*|[\d+-][\w.:+-]*/y;

function readString(source: string, start: number): Token {
  let text = "";
  for (let i = start + 1; i < source.length; i++) {
    const char = source[i] as string;
    if (char === '"') return { kind: "string", text, at: start, end: i + 1 };
    if (char === "\\" && i + 1 < source.length) i++;
    text += source[i];
  }
  throw invalidSearchQuery("Unterminated string", start);
}

function readToken(source: string, at: number): Token {
  const char = source[at] as string;
  if (char === '"') return readString(source, at);
  if (char === "'") throw invalidSearchQuery("Strings must be written within double quotes", at);
  const two = source.slice(at, at + 2);
  if (two === "<=" || two === ">=") return { kind: "op", text: two, at, end: at + 2 };
  if ("=:<>".includes(char)) return { kind: "op", text: char, at, end: at + 1 };
  if ("()[],".includes(char)) return { kind: "punct", text: char, at, end: at + 1 };
  WORD.lastIndex = at;
  const word = WORD.exec(source)?.[0];
  if (word) return { kind: "word", text: word, at, end: at + word.length };
  throw invalidSearchQuery(`Unexpected character ${JSON.stringify(char)}`, at);
}

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < source.length) {
    if (/\s/.test(source[at] as string)) {
      at++;
      continue;
    }
    const token = readToken(source, at);
    tokens.push(token);
    at = token.end;
  }
  tokens.push({ kind: "end", text: "", at: source.length, end: source.length });
  return tokens;
}

const OPERATORS = "(=, :, <, <=, >, >=, IN, HAS, EXISTS, NOT =, NOT IN or NOT EXISTS)";

/** Reads the tokens in order; each method consumes what it recognises or throws at the position. */
class Parser {
  private index = 0;

  constructor(private readonly tokens: Token[]) {}

  private get token(): Token {
    return this.tokens[this.index] as Token;
  }

  private take(): Token {
    const token = this.token;
    if (token.kind !== "end") this.index++;
    return token;
  }

  private isPunct(text: string): boolean {
    return this.token.kind === "punct" && this.token.text === text;
  }

  private expectPunct(text: string, what: string): void {
    if (!this.isPunct(text)) throw invalidSearchQuery(`Expected ${what}`, this.token.at);
    this.take();
  }

  query(): SearchNode {
    const node = this.or();
    if (this.token.kind !== "end")
      throw invalidSearchQuery("Expected AND, OR or the end of the query", this.token.at);
    return node;
  }

  private or(): SearchNode {
    const operands = [this.and()];
    while (isKeyword(this.token, "OR")) {
      this.take();
      operands.push(this.and());
    }
    return operands.length === 1 ? (operands[0] as SearchNode) : { kind: "or", operands };
  }

  private and(): SearchNode {
    const operands = [this.primary()];
    while (isKeyword(this.token, "AND")) {
      this.take();
      operands.push(this.primary());
    }
    return operands.length === 1 ? (operands[0] as SearchNode) : { kind: "and", operands };
  }

  private primary(): SearchNode {
    if (!this.isPunct("(")) return this.comparison();
    this.take();
    const node = this.or();
    this.expectPunct(")", '")"');
    return node;
  }

  private comparison(): Comparison {
    const field = this.take();
    if (!(field.kind === "string" || (field.kind === "word" && !isKeyword(field))))
      throw invalidSearchQuery("Expected a field name", field.at);
    const opAt = this.token.at;
    const op = this.operator();
    const values = op.endsWith("IN") ? this.list() : op.endsWith("EXISTS") ? [] : [this.value()];
    const quotedField = field.kind === "string";
    return {
      kind: "comparison",
      field: field.text,
      quotedField,
      fieldAt: field.at,
      op,
      opAt,
      values,
    };
  }

  private operator(): Operator {
    const token = this.take();
    if (token.kind === "op") return token.text as Operator;
    const keyword = token.kind === "word" ? token.text.toUpperCase() : "";
    if (keyword === "IN" || keyword === "HAS" || keyword === "EXISTS") return keyword;
    if (keyword === "NOT") {
      const next = this.take();
      const negated = next.kind === "op" && next.text === "=" ? "=" : next.text.toUpperCase();
      if (next.kind !== "string" && ["=", "IN", "EXISTS"].includes(negated))
        return `NOT ${negated}` as Operator;
      throw invalidSearchQuery("Expected =, IN or EXISTS after NOT", next.at);
    }
    throw invalidSearchQuery(`Expected an operator ${OPERATORS}`, token.at);
  }

  private value(): Literal {
    const token = this.take();
    if (token.kind === "string") return { text: token.text, quoted: true, at: token.at };
    if (token.kind === "word" && !isKeyword(token))
      return { text: token.text, quoted: false, at: token.at };
    throw invalidSearchQuery("Expected a value", token.at);
  }

  private list(): Literal[] {
    this.expectPunct("[", 'a list of values in "[ ]"');
    const items = [this.item()];
    while (this.isPunct(",")) {
      this.take();
      items.push(this.item());
    }
    this.expectPunct("]", '"," or "]"');
    return items;
  }

  /** A list item: a double-quoted string, or a bare number, `true` or `false` (as documented). */
  private item(): Literal {
    const literal = this.value();
    if (!literal.quoted && !/^(?:[+-]?\d+(?:\.\d+)?|true|false)$/.test(literal.text))
      throw invalidSearchQuery(
        "Values in a list other than numbers, true and false must be written within double quotes",
        literal.at,
      );
    return literal;
  }
}

/** Parses a `searchQuery`; a malformed one throws ImageKit's 400, naming what is wrong and where. */
export function parseSearchQuery(source: string): SearchNode {
  return new Parser(tokenize(source)).query();
}
