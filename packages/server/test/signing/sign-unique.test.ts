import { expect, it } from "vitest";
import { createUploadHandler, defineProfile } from "../../src/index";
import { directUpload } from "../support/call";
import { PNG_1X1, startEmulator } from "../support/emulator";

// The same file (same name, size, options) signed thousands of times within one token lifetime:
// every request must answer at once with a distinct token (ImageKit refuses a reused one).
it("signs 3,000 identical uploads at 100 concurrent, each promptly and uniquely", async () => {
  const emulator = await startEmulator();
  try {
    const handler = createUploadHandler({
      imagekit: emulator.imagekit,
      profiles: {
        // A fixed name: the fields are the same for every upload, only the token can differ.
        cover: defineProfile({
          rateLimit: false,
          options: () => ({ fileName: "cover.png", useUniqueFileName: false }),
        }),
      },
    });
    const body = JSON.stringify({ files: [{ name: "cover.png", size: 68, type: "image/png" }] });
    const tokens = new Set<string>();
    let last: { uploadUrl: string; fields: Record<string, string> } | undefined;
    let next = 0;
    const worker = async () => {
      while (next < 3000) {
        next++;
        const response = await handler(
          new Request("http://app.test/api/upload/cover/sign", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body,
          }),
        );
        expect(response.status).toBe(200);
        last = (await response.json()).files[0];
        tokens.add(last?.fields.token ?? "");
      }
    };
    await Promise.all(Array.from({ length: 100 }, worker));
    expect(tokens.size).toBe(3000);

    // A token from anywhere in the drawn window is one ImageKit takes.
    const uploaded = await directUpload(
      last as NonNullable<typeof last>,
      new Blob([PNG_1X1]),
      "c.png",
    );
    expect(uploaded.status).toBe(200);
  } finally {
    await emulator.dispose();
  }
}, 60_000);
