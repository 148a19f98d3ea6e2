/**
 * Whether one value fits one custom metadata field's schema. Used for the values sent in
 * `customMetadata` (upload and file update) and for a schema's own `defaultValue`.
 */

export const FIELD_TYPES = [
  "Text",
  "Textarea",
  "Number",
  "Date",
  "Boolean",
  "SingleSelect",
  "MultiSelect",
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export type Scalar = string | number | boolean;

/** A field's schema as stored and answered (keys in this order). */
export interface FieldSchema {
  type: FieldType;
  selectOptions?: Scalar[];
  defaultValue?: Scalar | Scalar[];
  isValueRequired?: boolean;
  minValue?: string | number;
  maxValue?: string | number;
  minLength?: number;
  maxLength?: number;
  readOnly?: boolean;
}

const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Milliseconds since the epoch of an ISO 8601 date (`2024-05-01`) or date-time
 * (`2024-05-01T10:00:00Z`), or undefined when the string is not one. A date-time without an
 * offset is read as UTC (emulator choice), so comparisons do not depend on the host's time zone.
 */
export function parseIsoDate(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const m = ISO_DATE.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h = "0", mi = "0", s = "0", offset] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1) return undefined;
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  const withOffset =
    m[4] === undefined ? `${value}T00:00:00Z` : offset === undefined ? `${value}Z` : value;
  const time = Date.parse(withOffset);
  return Number.isNaN(time) ? undefined : time;
}

export const isScalar = (value: unknown): value is Scalar =>
  typeof value === "string" ||
  typeof value === "boolean" ||
  (typeof value === "number" && Number.isFinite(value));

export const isFiniteNumber = (value: unknown): value is number =>
  typeof value === "number" && Number.isFinite(value);

const length = (text: string) => [...text].length;

/** The reason `value` does not fit `schema`, or undefined when it fits. */
export function checkValue(schema: FieldSchema, value: unknown): string | undefined {
  switch (schema.type) {
    case "Text":
    case "Textarea": {
      if (typeof value !== "string") return "should be of type string";
      if (schema.minLength !== undefined && length(value) < schema.minLength)
        return `should have at least ${schema.minLength} characters`;
      if (schema.maxLength !== undefined && length(value) > schema.maxLength)
        return `should have at most ${schema.maxLength} characters`;
      return undefined;
    }
    case "Number": {
      if (!isFiniteNumber(value)) return "should be of type number";
      if (isFiniteNumber(schema.minValue) && value < schema.minValue)
        return `should be greater than or equal to ${schema.minValue}`;
      if (isFiniteNumber(schema.maxValue) && value > schema.maxValue)
        return `should be less than or equal to ${schema.maxValue}`;
      return undefined;
    }
    case "Date": {
      const time = parseIsoDate(value);
      if (time === undefined) return "should be a valid ISO 8601 date";
      const min = parseIsoDate(schema.minValue);
      const max = parseIsoDate(schema.maxValue);
      if (min !== undefined && time < min)
        return `should be on or after ${String(schema.minValue)}`;
      if (max !== undefined && time > max)
        return `should be on or before ${String(schema.maxValue)}`;
      return undefined;
    }
    case "Boolean":
      return typeof value === "boolean" ? undefined : "should be of type boolean";
    case "SingleSelect":
      return isScalar(value) && (schema.selectOptions ?? []).includes(value)
        ? undefined
        : "should be one of the selectOptions";
    case "MultiSelect": {
      if (!Array.isArray(value)) return "should be an array of values from selectOptions";
      const options = schema.selectOptions ?? [];
      return value.every((item) => isScalar(item) && options.includes(item))
        ? undefined
        : "should contain only values from selectOptions";
    }
  }
}
