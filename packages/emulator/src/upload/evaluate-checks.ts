import { ImageKitError, MESSAGES } from "../http/imagekit-error";

/** What a `checks` expression can ask about the upload. */
export interface CheckSubject {
  file: { size: number; mime: string; width?: number; height?: number };
  request: { folder: string; fileName: string; tags: string[] };
}

type Token =
  | { kind: "string"; value: string }
  | { kind: "word"; value: string }
  | { kind: "op"; value: string };

const syntaxError = () => new ImageKitError(400, MESSAGES.checksSyntax);

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
      tokens.push({ kind: "string", value: source.slice(i + 1, end) });
      i = end + 1;
    } else if (/[<>!=]/.test(char)) {
      const two = source.slice(i, i + 2);
      const op = ["<=", ">=", "!="].includes(two) ? two : char;
      if (op === "!") throw syntaxError();
      tokens.push({ kind: "op", value: op });
      i += op.length;
    } else if (/[:()[\],]/.test(char)) {
      tokens.push({ kind: "op", value: char });
      i++;
    } else {
      const word = /^[A-Za-z]+/.exec(source.slice(i))?.[0];
      if (!word) throw syntaxError();
      tokens.push({ kind: "word", value: word.toUpperCase() });
      i += word.length;
    }
  }
  return tokens;
}

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

function toNumber(value: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(value);
  if (!match) return undefined;
  return Number(match[1]) * (SIZE_UNITS[(match[2] ?? "b").toLowerCase()] ?? 1);
}

function variable(name: string, subject: CheckSubject): string | number | string[] | undefined {
  switch (name) {
    case "file.size":
      return subject.file.size;
    case "file.mime":
      return subject.file.mime;
    case "file.width":
      return subject.file.width;
    case "file.height":
      return subject.file.height;
    case "request.folder":
      return subject.request.folder;
    case "request.fileName":
      return subject.request.fileName;
    case "request.tags":
      return subject.request.tags;
    default:
      throw syntaxError();
  }
}

const trimSlashes = (value: string) => value.replace(/^\/+|\/+$/g, "");

function compare(left: string | number | string[] | undefined, op: string, right: string): boolean {
  if (left === undefined) return false;
  if (Array.isArray(left)) {
    if (op === ":" || op === "=") return left.includes(right);
    if (op === "!=") return !left.includes(right);
    throw syntaxError();
  }
  if (typeof left === "number") {
    const value = toNumber(right);
    if (value === undefined) throw syntaxError();
    return (
      {
        "<": left < value,
        "<=": left <= value,
        ">": left > value,
        ">=": left >= value,
        "=": left === value,
        ":": left === value,
        "!=": left !== value,
      }[op] ?? false
    );
  }
  const equal = trimSlashes(left).toLowerCase() === trimSlashes(right).toLowerCase();
  if (op === ":" || op === "=") return equal;
  if (op === "!=") return !equal;
  throw syntaxError();
}

/**
 * ImageKit's `checks`: quoted operands, e.g. `"file.size" < "1mb"` or `'request.folder' :
 * 'marketing/'`, combined with AND, OR, NOT, parentheses and `IN [...]`. Unquoted operands are
 * a syntax error, as documented. Throws the documented 400s for bad syntax and failed checks.
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
  const expectOp = (value: string) => {
    const token = take();
    if (token.kind !== "op" || token.value !== value) throw syntaxError();
  };
  const operand = () => {
    const token = take();
    if (token.kind !== "string") throw syntaxError();
    return token.value;
  };

  const comparison = (): boolean => {
    const name = operand();
    const left = variable(name, subject);
    const next = take();
    if (next.kind === "word" && next.value === "IN") {
      expectOp("[");
      const values = [operand()];
      while (peek()?.kind === "op" && peek()?.value === ",") {
        take();
        values.push(operand());
      }
      expectOp("]");
      return values.some((value) => compare(left, ":", value));
    }
    if (next.kind !== "op" || !["<", "<=", ">", ">=", "=", "!=", ":"].includes(next.value))
      throw syntaxError();
    return compare(left, next.value, operand());
  };
  const unary = (): boolean => {
    const token = peek();
    if (token?.kind === "word" && token.value === "NOT") {
      take();
      return !unary();
    }
    if (token?.kind === "op" && token.value === "(") {
      take();
      const value = or();
      expectOp(")");
      return value;
    }
    return comparison();
  };
  const and = (): boolean => {
    let value = unary();
    while (peek()?.kind === "word" && peek()?.value === "AND") {
      take();
      value = unary() && value;
    }
    return value;
  };
  const or = (): boolean => {
    let value = and();
    while (peek()?.kind === "word" && peek()?.value === "OR") {
      take();
      value = and() || value;
    }
    return value;
  };

  const passed = or();
  if (at !== tokens.length) throw syntaxError();
  if (!passed) throw new ImageKitError(400, MESSAGES.checksFailed);
}
