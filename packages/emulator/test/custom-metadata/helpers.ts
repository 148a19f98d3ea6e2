import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { CustomMetadataFields } from "../../src/custom-metadata/custom-metadata-fields";
import { ImageKitError } from "../../src/http/imagekit-error";
import { type Database, openDatabase } from "../../src/storage/database";

export interface Fixture {
  db: Database;
  fields: CustomMetadataFields;
  close(): void;
}

/** A real SQLite database in a fresh temp dir. */
export function openFixture(): Fixture {
  const dir = mkdtempSync(join(tmpdir(), "cmf-test-"));
  const db = openDatabase(dir);
  return {
    db,
    fields: new CustomMetadataFields(db),
    close() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `fn`, expects an ImageKitError and returns it after checking status/message/errors. */
export function expectError(
  fn: () => unknown,
  status: number,
  message: string,
  errors?: Record<string, string>,
): ImageKitError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ImageKitError);
  const error = caught as ImageKitError;
  expect(error.status).toBe(status);
  expect(error.message).toBe(message);
  if (errors) expect(error.errors).toEqual(errors);
  return error;
}
