import { invalidSearchQuery, type Literal, type Operator } from "./search-query";
import { booleanValue, numberValue } from "./search-values";

/** An operator without its `NOT`: the negated ones are the exact negation of these. */
export type PositiveOp = Exclude<Operator, `NOT ${string}`>;

/** Whether one stored value (as a field reads it from an asset) satisfies a comparison. */
export type Test = (stored: unknown) => boolean;

/** Builds the test of one comparison from its operator and values; throws on a bad value. */
export type Matcher = (op: PositiveOp, values: Literal[]) => Test;

const first = (values: Literal[]) => values[0] as Literal;

const words = (text: string) =>
  text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

/**
 * `HAS`: case-insensitive words; every word of the value is a word of the text, the last one
 * possibly only its beginning (`"red dre"` finds `Red-Dress.jpg`).
 */
function hasWords(literal: Literal): (text: string) => boolean {
  const wanted = words(literal.text);
  if (wanted.length === 0) throw invalidSearchQuery("HAS needs at least one word", literal.at);
  const last = wanted.length - 1;
  return (text) => {
    const have = words(text);
    return wanted.every((word, i) =>
      i === last ? have.some((h) => h.startsWith(word)) : have.includes(word),
    );
  };
}

/**
 * Strings: `=` / `IN` exact and case-sensitive, `:` begins with, `HAS` words. `form` puts both
 * sides in one form first (folders); `check` rejects values the field cannot hold.
 */
export function textMatcher(
  form: (text: string) => string = (text) => text,
  check: (literal: Literal) => void = () => {},
): Matcher {
  return (op, values) => {
    for (const literal of values) check(literal);
    const texts = values.map((literal) => form(literal.text));
    if (op === "HAS") {
      const has = hasWords(first(values));
      return (stored) => typeof stored === "string" && has(stored);
    }
    const [prefix = ""] = texts;
    if (op === ":")
      return (stored) => typeof stored === "string" && form(stored).startsWith(prefix);
    return (stored) => typeof stored === "string" && texts.includes(form(stored));
  };
}

/** Numbers, sizes, durations, dates: every value is read by `read` to a number first. */
export function orderedMatcher(read: (literal: Literal) => number): Matcher {
  return (op, values) => {
    const numbers = values.map(read);
    const [bound = 0] = numbers;
    return (stored) => {
      if (typeof stored !== "number") return false;
      if (op === "<") return stored < bound;
      if (op === "<=") return stored <= bound;
      if (op === ">") return stored > bound;
      if (op === ">=") return stored >= bound;
      return numbers.includes(stored);
    };
  };
}

export const booleanMatcher: Matcher = (_op, values) => {
  const wanted = booleanValue(first(values));
  return (stored) => stored === wanted;
};

const asList = (stored: unknown): unknown[] =>
  Array.isArray(stored) ? stored : stored === undefined || stored === null ? [] : [stored];

/**
 * Lists (tags, MultiSelect values, Keywords): `IN` holds when any item is one of the values
 * (as written: `500` finds the number 500), `HAS` when any item has the words, `EXISTS` when
 * there is an item.
 */
export const listMatcher: Matcher = (op, values) => {
  if (op === "EXISTS") return (stored) => asList(stored).length > 0;
  if (op === "HAS") {
    const has = hasWords(first(values));
    return (stored) => asList(stored).some((item) => has(String(item)));
  }
  const texts = values.map((literal) => literal.text);
  return (stored) => asList(stored).some((item) => texts.includes(String(item)));
};

/** `textMatcher` over values stored as any scalar (a select option `4.5` reads as `"4.5"`). */
function scalarText(matcher: Matcher): Matcher {
  return (op, values) => {
    const test = matcher(op, values);
    return (stored) => stored !== undefined && stored !== null && test(String(stored));
  };
}

const selectText = scalarText(textMatcher());

/**
 * SingleSelect options may be strings, numbers or booleans: `=` / `IN` / `:` compare them as
 * written; `<` and the like only numbers ("valid only for numeric values").
 */
export const selectMatcher: Matcher = (op, values) =>
  op === "=" || op === "IN" || op === ":"
    ? selectText(op, values)
    : orderedMatcher(numberValue)(op, values);
