import { isDeepStrictEqual } from "node:util";
import { ImageKitError, MESSAGES } from "../http/imagekit-error";
import { newId } from "../ids";
import type { Database } from "../storage/database";
import { isPlainObject, normaliseType, validateFieldSchema } from "./validate-field-schema";
import { checkValue, type FieldSchema } from "./validate-value";

export type { FieldSchema, FieldType, Scalar } from "./validate-value";

/** The messages of the custom metadata fields API (ImageKit's, as documented). */
export const CUSTOM_METADATA_MESSAGES = {
  nameExists: "A custom metadata field with this name already exists.",
  labelExists: "A custom metadata field with this label already exists.",
  invalidFieldObject: "Invalid field object",
  updateDeleted: "Cannot update a deleted custom metadata fields.",
  notFound: "No such custom metadata field exists.",
} as const;

/** A field as ImageKit answers it: `{ id, name, label, schema }`, `description` only when set. */
export interface CustomMetadataField {
  id: string;
  name: string;
  label: string;
  schema: FieldSchema;
  description?: string;
}

/** A field's schema as embedded in file objects (`selectedFieldsSchema`). */
export type SelectedFieldSchema = FieldSchema & { selectOptionsTruncated?: boolean };

/** Largest `selectOptions` list shown in `selectedFieldsSchema`; longer ones are truncated. */
export const SELECT_OPTIONS_SHOWN = 100;
const DESCRIPTION_MAX = 500;

interface Row {
  id: string;
  name: string;
  label: string;
  schema: string;
  deleted: number;
  description?: string | null;
}

/**
 * Custom metadata fields (`/v1/customMetadataFields`) and the check of the values files carry
 * for them. Fields are soft-deleted: a deleted field's name stays taken forever.
 */
export class CustomMetadataFields {
  constructor(private readonly db: Database) {}

  /** POST /v1/customMetadataFields: `{ name, label, schema, description? }`. */
  create(body: unknown): CustomMetadataField {
    if (!isPlainObject(body)) throw new ImageKitError(400, MESSAGES.missingParameter("name"));
    const name = requiredString(body, "name");
    const label = requiredString(body, "label");
    if (body.schema === undefined)
      throw new ImageKitError(400, MESSAGES.missingParameter("schema"));
    const description = this.description(body.description);
    const schema = validateFieldSchema(body.schema);

    const create = this.db.transaction(() => {
      if (this.db.prepare("SELECT 1 FROM custom_metadata_fields WHERE name = ?").get(name)) {
        throw new ImageKitError(400, CUSTOM_METADATA_MESSAGES.nameExists);
      }
      this.assertLabelFree(label, undefined);
      const id = newId();
      this.db
        .prepare(
          "INSERT INTO custom_metadata_fields (id, name, label, schema, deleted, created_at) VALUES (?, ?, ?, ?, 0, ?)",
        )
        .run(id, name, label, JSON.stringify(schema), new Date().toISOString());
      if (description) {
        this.db
          .prepare("UPDATE custom_metadata_fields SET description = ? WHERE id = ?")
          .run(description, id);
      }
      return id;
    });
    return this.toField(this.row(create()) as Row);
  }

  /** GET /v1/customMetadataFields: oldest first; deleted fields only when asked for (not marked). */
  list(options: { includeDeleted?: boolean } = {}): CustomMetadataField[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM custom_metadata_fields ${options.includeDeleted ? "" : "WHERE deleted = 0"} ORDER BY rowid`,
      )
      .all() as Row[];
    return rows.map((row) => this.toField(row));
  }

  /** One non-deleted field, or undefined. */
  get(id: string): CustomMetadataField | undefined {
    const row = this.row(id);
    return row && !row.deleted ? this.toField(row) : undefined;
  }

  /**
   * PATCH /v1/customMetadataFields/:id: `{ label?, schema?, description? }`. The schema sent is
   * merged into the stored one (a key set to `null` removes that constraint); `type` cannot
   * change and is ignored if sent; the result is validated as per the stored type.
   */
  update(id: string, body: unknown): CustomMetadataField {
    const row = this.row(id);
    if (!row) throw new ImageKitError(404, CUSTOM_METADATA_MESSAGES.notFound);
    if (row.deleted) throw new ImageKitError(400, CUSTOM_METADATA_MESSAGES.updateDeleted);
    if (!isPlainObject(body) || (body.label === undefined && body.schema === undefined)) {
      throw new ImageKitError(400, MESSAGES.missingParameter("label or schema"));
    }
    const label = body.label === undefined ? row.label : requiredString(body, "label");
    const description =
      body.description === undefined ? undefined : this.description(body.description);
    const stored = JSON.parse(row.schema) as FieldSchema;
    let schema = stored;
    if (body.schema !== undefined) {
      if (!isPlainObject(body.schema)) {
        throw new ImageKitError(400, CUSTOM_METADATA_MESSAGES.invalidFieldObject, {
          schema: "should be of type object",
        });
      }
      const merged: Record<string, unknown> = { ...stored };
      for (const [key, value] of Object.entries(body.schema)) {
        if (key === "type") continue;
        if (value === null) delete merged[key];
        else merged[key] = value;
      }
      schema = validateFieldSchema(merged, stored.type);
    }

    this.db.transaction(() => {
      this.assertLabelFree(label, id);
      this.db
        .prepare("UPDATE custom_metadata_fields SET label = ?, schema = ? WHERE id = ?")
        .run(label, JSON.stringify(schema), id);
      if (description !== undefined) {
        this.db
          .prepare("UPDATE custom_metadata_fields SET description = ? WHERE id = ?")
          .run(description === "" ? null : description, id);
      }
    })();
    return this.toField(this.row(id) as Row);
  }

  /** DELETE /v1/customMetadataFields/:id: soft delete; a deleted field counts as not found. */
  delete(id: string): void {
    const result = this.db
      .prepare("UPDATE custom_metadata_fields SET deleted = 1 WHERE id = ? AND deleted = 0")
      .run(id);
    if (result.changes === 0) throw new ImageKitError(404, CUSTOM_METADATA_MESSAGES.notFound);
  }

  /**
   * Checks the `customMetadata` of an upload (or file update) and returns the values to store.
   * `current`: the file's stored values (file update, or an upload that keeps them); the request's
   * values are merged into them, `null` unsets a key. Keys of fields that no longer exist are
   * dropped from `current`. Required fields without a value get their `defaultValue`.
   * `undefined` counts as `{}` (so defaults are applied when no customMetadata was sent).
   * Any problem → 400 `Invalid custom metadata.` with `errors: { <key>: "<reason>" }`, all keys at once.
   */
  validateValues(values: unknown, current: Record<string, unknown> = {}): Record<string, unknown> {
    const input = values === undefined ? {} : values;
    if (!isPlainObject(input)) {
      throw new ImageKitError(400, MESSAGES.invalidCustomMetadata, {
        customMetadata: "should be an object of field names to values",
      });
    }
    const fields = new Map(this.list().map((field) => [field.name, field.schema]));
    const result: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(current)) {
      if (fields.has(key) && value !== undefined && value !== null) result[key] = value;
    }

    const errors: Record<string, string> = {};
    for (const [key, value] of Object.entries(input)) {
      const schema = fields.get(key);
      if (!schema) {
        errors[key] = "no custom metadata field with this name exists";
        continue;
      }
      if (value === undefined) continue;
      const reason = value === null ? undefined : checkValue(schema, value);
      if (reason) errors[key] = reason;
      else if (
        schema.readOnly &&
        result[key] !== undefined &&
        !isDeepStrictEqual(result[key], value)
      ) {
        errors[key] = "is read only and cannot be changed once set";
      } else if (value === null) delete result[key];
      else result[key] = structuredClone(value);
    }

    for (const [name, schema] of fields) {
      if (!schema.isValueRequired || result[name] !== undefined || errors[name]) continue;
      if (schema.defaultValue !== undefined) result[name] = structuredClone(schema.defaultValue);
      else errors[name] = "is required";
    }

    if (Object.keys(errors).length > 0)
      throw new ImageKitError(400, MESSAGES.invalidCustomMetadata, errors);
    return result;
  }

  /**
   * The schemas of all non-deleted fields keyed by name, as file objects carry them
   * (`selectedFieldsSchema`): `selectOptions` cut to 100, with `selectOptionsTruncated` on
   * select fields. (The emulator has no path policy: every field applies to every path.)
   */
  selectedFieldsSchema(): Record<string, SelectedFieldSchema> {
    return this.schemasOf();
  }

  /** Like `selectedFieldsSchema`, limited to the named fields (unknown or deleted names are skipped). */
  schemasOf(names?: Iterable<string>): Record<string, SelectedFieldSchema> {
    const wanted = names === undefined ? undefined : new Set(names);
    const out: Record<string, SelectedFieldSchema> = {};
    for (const { name, schema } of this.list()) {
      if (wanted && !wanted.has(name)) continue;
      const shown: SelectedFieldSchema = { ...schema };
      if (schema.selectOptions) {
        shown.selectOptions = schema.selectOptions.slice(0, SELECT_OPTIONS_SHOWN);
        shown.selectOptionsTruncated = schema.selectOptions.length > SELECT_OPTIONS_SHOWN;
      }
      out[name] = shown;
    }
    return out;
  }

  private row(id: string): Row | undefined {
    return this.db.prepare("SELECT * FROM custom_metadata_fields WHERE id = ?").get(id) as
      | Row
      | undefined;
  }

  private assertLabelFree(label: string, exceptId: string | undefined): void {
    const taken = this.db
      .prepare(
        "SELECT 1 FROM custom_metadata_fields WHERE label = ? AND deleted = 0 AND id IS NOT ?",
      )
      .get(label, exceptId ?? null);
    if (taken) throw new ImageKitError(400, CUSTOM_METADATA_MESSAGES.labelExists);
  }

  private description(value: unknown): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== "string" || [...value].length > DESCRIPTION_MAX) {
      throw new ImageKitError(400, MESSAGES.invalidParameter("description"));
    }
    return value;
  }

  private toField(row: Row): CustomMetadataField {
    const schema = JSON.parse(row.schema) as FieldSchema;
    schema.type = normaliseType(schema.type) ?? schema.type;
    const field: CustomMetadataField = { id: row.id, name: row.name, label: row.label, schema };
    if (row.description) field.description = row.description;
    return field;
  }
}

function requiredString(body: Record<string, unknown>, key: string): string {
  const value = body[key];
  if (value === undefined || value === null || value === "") {
    throw new ImageKitError(400, MESSAGES.missingParameter(key));
  }
  if (typeof value !== "string" || value.trim() === "")
    throw new ImageKitError(400, MESSAGES.invalidParameter(key));
  return value;
}
