import { createReadStream } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { countedStream } from "../../src/tus/counted-stream";

it("a stored file that fails before anyone reads it errors its reader, not the process", async () => {
  const missing = createReadStream(join(tmpdir(), "upkit-no-such-upload"));
  const body = countedStream(missing, () => {});
  // Its open fails while nothing reads it (an attempt that ImageKit refused at once).
  await new Promise<void>((resolve) => missing.once("close", () => resolve()));
  await expect(body.getReader().read()).rejects.toMatchObject({ code: "ENOENT" });
});
