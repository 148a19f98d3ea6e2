import { parseIsoDate } from "../custom-metadata/validate-value";
import { invalidSearchQuery, type Literal } from "./search-query";

/**
 * The values of a `searchQuery`, read as the field they are compared with needs them. Each
 * reader throws the 400 at the value's position when the text is not such a value.
 */

const quote = (literal: Literal) => JSON.stringify(literal.text);

export function numberValue(literal: Literal): number {
  const value = /^[+-]?\d+(?:\.\d+)?$/.test(literal.text) ? Number(literal.text) : Number.NaN;
  if (!Number.isFinite(value))
    throw invalidSearchQuery(`${quote(literal)} is not a number`, literal.at);
  return value;
}

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** Bytes: `1024`, `"1mb"`, `50kb` (units of 1024, as the emulator's `checks` count them). */
export function sizeValue(literal: Literal): number {
  const match = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(literal.text);
  if (!match) throw invalidSearchQuery(`${quote(literal)} is not a size`, literal.at);
  return Number(match[1]) * (SIZE_UNITS[(match[2] ?? "b").toLowerCase()] as number);
}

const DURATION_UNITS: Record<string, number> = { s: 1, sec: 1, m: 60, min: 60, h: 3600, hr: 3600 };

/** Seconds: `30`, `"30sec"`, `"1.5min"`, `"2hr"` (or `s` / `m` / `h`). */
export function durationValue(literal: Literal): number {
  const match = /^(\d+(?:\.\d+)?)\s*(sec|min|hr|s|m|h)?$/i.exec(literal.text);
  if (!match) throw invalidSearchQuery(`${quote(literal)} is not a duration`, literal.at);
  return Number(match[1]) * (DURATION_UNITS[(match[2] ?? "s").toLowerCase()] as number);
}

/** `7d` is seven days before `now`; months and years are calendar ones. */
function relativeDate(text: string, now: number): number | undefined {
  const match = /^(\d+)([hdwmy])$/.exec(text);
  if (!match) return undefined;
  const count = Number(match[1]);
  const date = new Date(now);
  const unit = match[2];
  if (unit === "h") date.setUTCHours(date.getUTCHours() - count);
  if (unit === "d") date.setUTCDate(date.getUTCDate() - count);
  if (unit === "w") date.setUTCDate(date.getUTCDate() - 7 * count);
  if (unit === "m") date.setUTCMonth(date.getUTCMonth() - count);
  if (unit === "y") date.setUTCFullYear(date.getUTCFullYear() - count);
  return date.getTime();
}

/**
 * Milliseconds: `YYYY-MM-DD` (00:00:00 UTC), `YYYY-MM-DDTHH:MM:SS` or with a space for the `T`
 * (UTC unless an offset is given), or a relative time (`1h`, `2d`, `3w`, `4m`, `1y`).
 */
export function dateValue(literal: Literal, now: number): number {
  const text = literal.text.trim();
  const value = relativeDate(text, now) ?? parseIsoDate(text.replace(/^(\S{10}) (?=\d)/, "$1T"));
  if (value === undefined)
    throw invalidSearchQuery(
      `${quote(literal)} is not a date (YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS or a relative time such as "7d")`,
      literal.at,
    );
  return value;
}

/** `true` / `false`, unquoted, as documented for booleans. */
export function booleanValue(literal: Literal): boolean {
  if (!literal.quoted && (literal.text === "true" || literal.text === "false"))
    return literal.text === "true";
  throw invalidSearchQuery("Expected true or false (without quotes)", literal.at);
}

/** A select option as written: a quoted string, or a bare number or boolean. */
export function scalarValue(literal: Literal): string | number | boolean {
  if (literal.quoted) return literal.text;
  if (literal.text === "true" || literal.text === "false") return literal.text === "true";
  return /^[+-]?\d+(?:\.\d+)?$/.test(literal.text) ? Number(literal.text) : literal.text;
}

/** A date as stored (an ISO string; UTC when it has no offset) in milliseconds, or undefined. */
export function storedDate(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const time = parseIsoDate(value) ?? Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}
