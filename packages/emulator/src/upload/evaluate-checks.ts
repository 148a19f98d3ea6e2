import { ImageKitError, MESSAGES } from "../http/imagekit-error";

/** What a `checks` expression can ask about the upload. */
export interface CheckSubject {
  file: { size: number; mime: string; width?: number; height?: number };
  request: { folder: string; fileName: string; tags: string[] };
}

type Keyword = "AND" | "OR" | "NOT" | "IN";
type Token =
  | { kind: "quoted"; value: string }
  | { kind: "bare"; value: string }
  | { kind: "keyword"; value: Keyword }
  | { kind: "op"; value: string };

const syntaxError = () => new ImageKitError(400, MESSAGES.checksSyntax);

const KEYWORDS = new Set<string>(["AND", "OR", "NOT", "IN"]);

/** A bare (unquoted) value is a plain number (`2000`) or a word (`image`, `hevc`); not `1mb`. */
function bareToken(source: string): Token {
  const upper = source.toUpperCase();
  if (KEYWORDS.has(upper)) return { kind: "keyword", value: upper as Keyword };
  if (/^\d+(\.\d+)?$/.test(source) || /^[A-Za-z][\w.-]*$/.test(source))
    return { kind: "bare", value: source };
  throw syntaxError();
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const char = source[i] as string;
    if (/\s/.test(char)) {
      i++;
    } else if (char === '"' || char === "'") {
      const end = source.indexOf(char, i + 1);
      if (end === -1) throw syntaxError();
      tokens.push({ kind: "quoted", value: source.slice(i + 1, end) });
      i = end + 1;
    } else if (char === "<" || char === ">") {
      const op = source[i + 1] === "=" ? `${char}=` : char;
      tokens.push({ kind: "op", value: op });
      i += op.length;
    } else if (/[=:()[\],]/.test(char)) {
      tokens.push({ kind: "op", value: char });
      i++;
    } else {
      // Anything else (`!=`, `&&`, `*`) is not in the documented language.
      const word = /^[\w.-]+/.exec(source.slice(i))?.[0];
      if (!word) throw syntaxError();
      tokens.push(bareToken(word));
      i += word.length;
    }
  }
  return tokens;
}

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

function toNumber(value: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(value);
  if (!match) throw syntaxError();
  return Number(match[1]) * (SIZE_UNITS[(match[2] ?? "b").toLowerCase()] ?? 1);
}

const NUMBER_OPS = ["=", "<", "<=", ">", ">="];
const STRING_OPS = ["=", "NOT =", ":", "IN", "NOT IN"];

type Variable = { ops: string[] } & (
  | { type: "number"; read: (s: CheckSubject) => number | undefined }
  | { type: "list"; read: (s: CheckSubject) => string[] }
  | {
      type: "string";
      read: (s: CheckSubject) => string;
      /** The form a value takes to compare with `=` / `IN` (`read` gives the subject's). */
      equalForm?: (value: string) => string;
      /** The form a value takes as the prefix of `:`. */
      prefixForm?: (value: string) => string;
    }
);

/** `/a/b/` for `a/b`, `/a/b` or `a/b/` (`/` for the root): a check may write either. */
const folderForm = (value: string) => {
  const inner = value.replace(/^\/+|\/+$/g, "");
  return inner ? `/${inner}/` : "/";
};

/**
 * The documented fields the emulator knows the value of, with their documented operators (the
 * "Upload API checks" table). Other documented fields (`request.isPrivateFile`,
 * `mediaMetadata.duration`, custom metadata...) are answered as a syntax error.
 */
const VARIABLES: Record<string, Variable> = {
  "file.size": { type: "number", ops: NUMBER_OPS, read: (s) => s.file.size },
  "file.mime": { type: "string", ops: STRING_OPS, read: (s) => s.file.mime },
  "mediaMetadata.width": { type: "number", ops: NUMBER_OPS, read: (s) => s.file.width },
  "mediaMetadata.height": { type: "number", ops: NUMBER_OPS, read: (s) => s.file.height },
  "request.fileName": { type: "string", ops: STRING_OPS, read: (s) => s.request.fileName },
  "request.folder": {
    type: "string",
    ops: STRING_OPS,
    read: (s) => folderForm(s.request.folder),
    equalForm: folderForm,
    prefixForm: (value) => `/${value.replace(/^\/+/, "")}`,
  },
  "request.tags": { type: "list", ops: ["IN", "NOT IN"], read: (s) => s.request.tags },
};

function compareNumber(left: number | undefined, op: string, operand: string): boolean {
  const right = toNumber(operand);
  if (left === undefined) return false;
  if (op === "=") return left === right;
  if (op === "<") return left < right;
  if (op === "<=") return left <= right;
  if (op === ">") return left > right;
  return left >= right;
}

/**
 * One comparison. `:` is "starts with", as documented (`"file.mime" : image` holds for every
 * `image/...`); strings compare without regard to case; `IN [...]` holds when the value (for
 * `request.tags`: any tag) is one of the list.
 */
function compare(variable: Variable, subject: CheckSubject, op: string, operand: string[]) {
  const lower = (value: string) => value.toLowerCase();
  if (variable.type === "number")
    return compareNumber(variable.read(subject), op, operand[0] ?? "");
  if (variable.type === "list") {
    const tags = variable.read(subject).map(lower);
    const any = operand.some((value) => tags.includes(lower(value)));
    return op === "IN" ? any : !any;
  }
  const left = lower(variable.read(subject));
  if (op === ":") {
    const prefix = variable.prefixForm?.(operand[0] ?? "") ?? operand[0] ?? "";
    return left.startsWith(lower(prefix));
  }
  const form = variable.equalForm ?? ((value: string) => value);
  const equal = operand.some((value) => left === lower(form(value)));
  return op === "=" || op === "IN" ? equal : !equal;
}

/** The operator after a field: `=`, `NOT =`, `:`, `<`, `<=`, `>`, `>=`, `IN` or `NOT IN`. */
function readOperator(take: () => Token): string {
  const token = take();
  if (token.kind === "op" && ["=", ":", "<", "<=", ">", ">="].includes(token.value))
    return token.value;
  if (token.kind === "keyword" && token.value === "IN") return "IN";
  if (token.kind === "keyword" && token.value === "NOT") {
    const next = take();
    if (next.kind === "op" && next.value === "=") return "NOT =";
    if (next.kind === "keyword" && next.value === "IN") return "NOT IN";
  }
  throw syntaxError();
}

/**
 * ImageKit's `checks`: comparisons of a quoted field with a value, e.g. `"file.size" < "1mb"`,
 * `'request.folder' : 'marketing/'` or `"file.mime" : image`, joined with AND and OR and grouped
 * with parentheses. An unquoted field is a syntax error, as documented. Throws the documented
 * 400s for bad syntax and for failed checks.
 */
export function evaluateChecks(source: string, subject: CheckSubject): void {
  const tokens = tokenize(source);
  let at = 0;
  const peek = () => tokens[at];
  const take = () => {
    const token = tokens[at++];
    if (!token) throw syntaxError();
    return token;
  };
  const isOp = (value: string) => peek()?.kind === "op" && peek()?.value === value;
  const isKeyword = (value: string) => peek()?.kind === "keyword" && peek()?.value === value;
  const expectOp = (value: string) => {
    if (!isOp(value)) throw syntaxError();
    take();
  };
  const value = () => {
    const token = take();
    if (token.kind !== "quoted" && token.kind !== "bare") throw syntaxError();
    return token.value;
  };
  const list = () => {
    expectOp("[");
    const values = [value()];
    while (isOp(",")) {
      take();
      values.push(value());
    }
    expectOp("]");
    return values;
  };

  const comparison = (): boolean => {
    const field = take();
    const variable = field.kind === "quoted" ? VARIABLES[field.value] : undefined;
    if (!variable) throw syntaxError();
    const op = readOperator(take);
    if (!variable.ops.includes(op)) throw syntaxError();
    return compare(variable, subject, op, op.endsWith("IN") ? list() : [value()]);
  };
  const primary = (): boolean => {
    if (!isOp("(")) return comparison();
    take();
    const result = or();
    expectOp(")");
    return result;
  };
  // Every operand is evaluated (no short cut), so a syntax error anywhere is always reported.
  const and = (): boolean => {
    let result = primary();
    while (isKeyword("AND")) {
      take();
      result = primary() && result;
    }
    return result;
  };
  const or = (): boolean => {
    let result = and();
    while (isKeyword("OR")) {
      take();
      result = and() || result;
    }
    return result;
  };

  const passed = or();
  if (at !== tokens.length) throw syntaxError();
  if (!passed) throw new ImageKitError(400, MESSAGES.checksFailed);
}
