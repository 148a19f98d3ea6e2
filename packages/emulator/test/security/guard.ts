import { expect } from "vitest";
import type { Emulator } from "../../src/index";
import { api } from "../support/start-emulator";

/** Every file (id → path and current version): enough to see one appear, go or be replaced. */
export type Files = Map<string, string>;

export async function listFiles(emulator: Emulator): Promise<Files> {
  const listed = await api(emulator, "/v1/files?limit=1000");
  expect(listed.status).toBe(200);
  const files = listed.body as { fileId: string; filePath: string; versionInfo: { id: string } }[];
  return new Map(files.map((f) => [f.fileId, `${f.filePath} @ ${f.versionInfo.id}`]));
}

/** Nothing new is stored, and every file that was there is still there, unchanged. */
export async function expectUntouched(emulator: Emulator, before: Files): Promise<void> {
  // Background work (webhooks, post-transformations) must not change the answer either.
  await emulator.idle();
  const after = await listFiles(emulator);
  const changed = [...before].filter(([id, file]) => after.get(id) !== file);
  const added = [...after].filter(([id]) => !before.has(id));
  expect(
    { changed: changed.map(([, f]) => f), added: added.map(([, f]) => f) },
    "stored files",
  ).toEqual({ changed: [], added: [] });
}

/** ImageKit's error: a 4xx with `{ message, help }`, the message as expected, and no key. */
export function expectImageKitError(
  answer: { status: number; body: Record<string, unknown> },
  status: number,
  message: string | RegExp,
): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(answer.body.message).toEqual(
    typeof message === "string" ? message : expect.stringMatching(message),
  );
  expect(answer.body.help).toEqual(expect.any(String));
  expect(JSON.stringify(answer.body)).not.toContain("private_emulator_key");
}
