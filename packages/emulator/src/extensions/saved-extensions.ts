import { ImageKitError, MESSAGES } from "../http/imagekit-error";
import { newId } from "../ids";
import type { Database } from "../storage/database";
import { type Extension, type ExtensionConfig, parseExtensionConfig } from "./parse-extensions";

/** A saved extension as ImageKit answers it (`@imagekit/nodejs` 7.11 `Shared.SavedExtension`). */
export interface SavedExtension {
  id: string;
  name: string;
  description: string;
  config: ExtensionConfig;
  createdAt: string;
  updatedAt: string;
}

/** "You can create a maximum of 100 saved extensions per account." (the SDK's `create` doc). */
export const MAX_SAVED_EXTENSIONS = 100;

/** Messages ImageKit does not document (emulator choices), in the style of its others. */
export const SAVED_EXTENSION_MESSAGES = {
  notFound: "The requested saved extension does not exist.",
  limitReached: `You can create a maximum of ${MAX_SAVED_EXTENSIONS} saved extensions per account.`,
} as const;

interface Row {
  id: string;
  name: string;
  description: string;
  config: string;
  created_at: string;
  updated_at: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS saved_extensions (
  id                 TEXT PRIMARY KEY,
  name               TEXT NOT NULL,
  description        TEXT NOT NULL,
  config             TEXT NOT NULL,   -- JSON: one extension (ExtensionConfig)
  created_at         TEXT NOT NULL,
  updated_at         TEXT NOT NULL
);
`;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Saved extensions (`/v1/saved-extensions`): one extension's configuration kept under an id, which
 * an upload's `extensions` references as `{ name: "saved-extension", id }`. Kept in SQLite with
 * everything else, so a restart keeps them.
 */
export class SavedExtensions {
  constructor(private readonly db: Database) {
    db.exec(SCHEMA);
  }

  /** `POST /v1/saved-extensions`: `{ name, description, config }`, all required. */
  create(body: unknown): SavedExtension {
    if (!isObject(body)) throw new ImageKitError(400, MESSAGES.missingParameter("name"));
    const name = text(body, "name", true) as string;
    const description = text(body, "description", true) as string;
    const config = configOf(body.config, true) as ExtensionConfig;
    const count = (
      this.db.prepare("SELECT COUNT(*) AS n FROM saved_extensions").get() as {
        n: number;
      }
    ).n;
    if (count >= MAX_SAVED_EXTENSIONS)
      throw new ImageKitError(400, SAVED_EXTENSION_MESSAGES.limitReached);
    const now = new Date().toISOString();
    const row: Row = {
      id: newId(),
      name,
      description,
      config: JSON.stringify(config),
      created_at: now,
      updated_at: now,
    };
    this.db
      .prepare(
        "INSERT INTO saved_extensions (id, name, description, config, created_at, updated_at) VALUES (@id, @name, @description, @config, @created_at, @updated_at)",
      )
      .run(row);
    return toSaved(row);
  }

  /** `GET /v1/saved-extensions`: every saved extension, oldest first. */
  list(): SavedExtension[] {
    const rows = this.db.prepare("SELECT * FROM saved_extensions ORDER BY rowid").all() as Row[];
    return rows.map(toSaved);
  }

  /** `GET /v1/saved-extensions/:id`; 404 when there is none. */
  get(id: string): SavedExtension {
    const row = this.row(id);
    if (!row) throw new ImageKitError(404, SAVED_EXTENSION_MESSAGES.notFound);
    return toSaved(row);
  }

  /** `PATCH /v1/saved-extensions/:id`: any of `name`, `description`, `config`. */
  update(id: string, body: unknown): SavedExtension {
    const row = this.row(id);
    if (!row) throw new ImageKitError(404, SAVED_EXTENSION_MESSAGES.notFound);
    if (!isObject(body)) throw new ImageKitError(400, MESSAGES.invalidParameter("body"));
    const name = text(body, "name", false);
    const description = text(body, "description", false);
    const config = configOf(body.config, false);
    const next: Row = {
      ...row,
      ...(name === undefined ? {} : { name }),
      ...(description === undefined ? {} : { description }),
      ...(config === undefined ? {} : { config: JSON.stringify(config) }),
      updated_at: new Date().toISOString(),
    };
    this.db
      .prepare(
        "UPDATE saved_extensions SET name = @name, description = @description, config = @config, updated_at = @updated_at WHERE id = @id",
      )
      .run(next);
    return toSaved(next);
  }

  /** `DELETE /v1/saved-extensions/:id`: gone for good; 404 when there is none. */
  delete(id: string): void {
    const { changes } = this.db.prepare("DELETE FROM saved_extensions WHERE id = ?").run(id);
    if (changes === 0) throw new ImageKitError(404, SAVED_EXTENSION_MESSAGES.notFound);
  }

  /**
   * An upload's `extensions` with each `saved-extension` replaced by the configuration saved
   * under its id, which then runs (and reports its `extensionStatus`) under its own name. An id
   * with no saved extension: 400 `Your request contains invalid extensions parameter.`
   */
  resolve(extensions: Extension[]): ExtensionConfig[] {
    return extensions.map((extension) => {
      if (extension.name !== "saved-extension") return extension;
      const row = this.row(extension.id);
      if (!row) throw new ImageKitError(400, MESSAGES.invalidParameter("extensions"));
      return toSaved(row).config;
    });
  }

  private row(id: string): Row | undefined {
    return this.db.prepare("SELECT * FROM saved_extensions WHERE id = ?").get(id) as
      | Row
      | undefined;
  }
}

function toSaved(row: Row): SavedExtension {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    config: JSON.parse(row.config) as ExtensionConfig,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A string field: missing (when required) or not a string is a 400 naming it. */
function text(body: Record<string, unknown>, key: string, required: boolean): string | undefined {
  const value = body[key];
  if (value === undefined) {
    if (required) throw new ImageKitError(400, MESSAGES.missingParameter(key));
    return undefined;
  }
  if (typeof value !== "string" || (key === "name" && value.trim() === ""))
    throw new ImageKitError(400, MESSAGES.invalidParameter(key));
  return value;
}

function configOf(value: unknown, required: boolean): ExtensionConfig | undefined {
  if (value === undefined) {
    if (required) throw new ImageKitError(400, MESSAGES.missingParameter("config"));
    return undefined;
  }
  const config = parseExtensionConfig(value);
  if (!config) throw new ImageKitError(400, MESSAGES.invalidParameter("config"));
  return config;
}
