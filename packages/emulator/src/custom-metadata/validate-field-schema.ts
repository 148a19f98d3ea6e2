import { ImageKitError } from "../http/imagekit-error";
import {
  checkValue,
  FIELD_TYPES,
  type FieldSchema,
  type FieldType,
  isFiniteNumber,
  isScalar,
  parseIsoDate,
} from "./validate-value";

export const INVALID_FIELD_OBJECT = "Invalid field object";

const SCHEMA_KEYS = [
  "type",
  "selectOptions",
  "defaultValue",
  "isValueRequired",
  "minValue",
  "maxValue",
  "minLength",
  "maxLength",
  "readOnly",
] as const;

const SELECT_TYPES: readonly FieldType[] = ["SingleSelect", "MultiSelect"];
const RANGE_TYPES: readonly FieldType[] = ["Number", "Date"];
const LENGTH_TYPES: readonly FieldType[] = ["Text", "Textarea"];

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  Object.prototype.toString.call(value) === "[object Object]";

/**
 * The type as stored: the documented spellings, plus OAS's `TextArea`, which is normalised to
 * `Textarea` (the spelling of the docs and of `@imagekit/nodejs`'s types).
 */
export function normaliseType(type: unknown): FieldType | undefined {
  if (type === "TextArea") return "Textarea";
  return FIELD_TYPES.find((known) => known === type);
}

/**
 * Checks a field's schema (create, or the stored schema merged with a PATCH) and returns it
 * normalised, keys in a fixed order. Every problem is reported at once:
 * 400 `Invalid field object` with `errors: { <schema key>: "<reason>" }`.
 * `fixedType`: on update, the stored type; a `type` in the input is then ignored.
 */
export function validateFieldSchema(input: unknown, fixedType?: FieldType): FieldSchema {
  if (!isPlainObject(input)) {
    throw new ImageKitError(400, INVALID_FIELD_OBJECT, { schema: "should be of type object" });
  }
  const errors: Record<string, string> = {};
  const type = fixedType ?? normaliseType(input.type);
  if (type === undefined) {
    errors.type =
      input.type === undefined ? "is required" : `should be one of ${FIELD_TYPES.join(", ")}`;
  }

  for (const key of Object.keys(input)) {
    if (!(SCHEMA_KEYS as readonly string[]).includes(key)) errors[key] = "not allowed";
  }

  const has = (key: string) => input[key] !== undefined;
  const allowedFor = (key: string, types: readonly FieldType[]) => {
    if (!has(key) || type === undefined) return false;
    if (types.includes(type)) return true;
    errors[key] = "not allowed for this type";
    return false;
  };

  for (const key of ["isValueRequired", "readOnly"] as const) {
    if (has(key) && typeof input[key] !== "boolean") errors[key] = "should be of type boolean";
  }

  if (allowedFor("selectOptions", SELECT_TYPES)) {
    const options = input.selectOptions;
    if (!Array.isArray(options) || options.length === 0)
      errors.selectOptions = "should be a non-empty array";
    else if (!options.every(isScalar))
      errors.selectOptions = "should contain only strings, numbers or booleans";
    else if (new Set(options).size !== options.length)
      errors.selectOptions = "should not contain duplicate values";
  } else if (type !== undefined && SELECT_TYPES.includes(type) && !has("selectOptions")) {
    errors.selectOptions = "is required for this type";
  }

  for (const key of ["minValue", "maxValue"] as const) {
    if (!allowedFor(key, RANGE_TYPES)) continue;
    if (type === "Number" && !isFiniteNumber(input[key])) errors[key] = "should be of type number";
    if (type === "Date" && parseIsoDate(input[key]) === undefined)
      errors[key] = "should be a valid ISO 8601 date";
  }
  if (has("minValue") && has("maxValue") && !errors.minValue && !errors.maxValue) {
    const min = type === "Date" ? parseIsoDate(input.minValue) : (input.minValue as number);
    const max = type === "Date" ? parseIsoDate(input.maxValue) : (input.maxValue as number);
    if ((max as number) < (min as number))
      errors.maxValue = "should be greater than or equal to minValue";
  }

  for (const key of ["minLength", "maxLength"] as const) {
    if (!allowedFor(key, LENGTH_TYPES)) continue;
    const value = input[key];
    if (!isFiniteNumber(value)) errors[key] = "should be of type number";
    else if (!Number.isInteger(value) || value < 0)
      errors[key] = "should be a non-negative integer";
  }
  if (has("minLength") && has("maxLength") && !errors.minLength && !errors.maxLength) {
    if ((input.maxLength as number) < (input.minLength as number)) {
      errors.maxLength = "should be greater than or equal to minLength";
    }
  }

  if (type !== undefined && Object.keys(errors).length === 0) {
    const schema = pick(input, type);
    if (schema.defaultValue !== undefined) {
      const reason = checkValue(schema, schema.defaultValue);
      if (reason) errors.defaultValue = reason;
    } else if (schema.isValueRequired === true) {
      errors.defaultValue = "is required when isValueRequired is true";
    }
    if (Object.keys(errors).length === 0) return schema;
  }
  throw new ImageKitError(400, INVALID_FIELD_OBJECT, errors);
}

function pick(input: Record<string, unknown>, type: FieldType): FieldSchema {
  const schema: Record<string, unknown> = { type };
  for (const key of SCHEMA_KEYS) {
    if (key !== "type" && input[key] !== undefined) schema[key] = structuredClone(input[key]);
  }
  return schema as unknown as FieldSchema;
}
