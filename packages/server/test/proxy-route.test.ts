import { UploadError } from "@upkit/core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { z } from "zod";
import { createUploadHandler, defineProfile } from "../src/index";
import { call } from "./support/call";
import { PNG_1X1, startEmulator, type TestEmulator } from "./support/emulator";

let emulator: TestEmulator;
let uploads: ReturnType<typeof build>;

const build = () =>
  createUploadHandler({
    imagekit: emulator.imagekit,
    profiles: {
      documents: defineProfile({
        transports: ["proxy"],
        restrictions: { maxFileSize: "64KB", accept: ["application/pdf", "image/png"] },
        input: z.object({ title: z.string().min(1) }),
        authorize: (request) => {
          if (request.headers.get("x-user") !== "ada")
            throw new UploadError("unauthorized", "Sign in to upload.");
          return { user: "ada" };
        },
        options: ({ ctx, input, file }) => ({
          folder: `/docs/${ctx.user}`,
          tags: ["doc", file.type.split("/")[1] ?? "x"],
          customMetadata: { title: input.title },
          isPrivateFile: true,
          useUniqueFileName: false,
          customCoordinates: { x: 0, y: 0, width: 1, height: 1 },
          description: `${input.title}, uploaded by ${ctx.user}`,
          extensions: file.type.startsWith("image/")
            ? [{ name: "aws-auto-tagging", maxTags: 3, minConfidence: 10 }]
            : [],
          transformation: file.type.startsWith("image/")
            ? { post: [{ type: "transformation", value: "w-1,h-1" }] }
            : undefined,
          responseFields: ["tags", "customMetadata", "isPrivateFile", "customCoordinates"],
        }),
        onUploadComplete: ({ file }) => ({ stored: file.filePath }),
      }),
    },
  });

beforeAll(async () => {
  emulator = await startEmulator();
  await emulator.api("/v1/customMetadataFields", {
    method: "POST",
    body: JSON.stringify({ name: "title", label: "Title", schema: { type: "Text" } }),
  });
  uploads = build();
});
afterAll(() => emulator.dispose());

const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");

function form(file: Buffer, name: string, type: string, input: unknown = { title: "Report" }) {
  const body = new FormData();
  body.append("input", JSON.stringify(input));
  body.append("size", String(file.length));
  body.append("file", new Blob([new Uint8Array(file)], { type }), name);
  return body;
}

const proxy = (body: FormData, user = "ada") =>
  call(uploads, "/api/upload/documents/proxy", {
    method: "POST",
    body,
    headers: { "x-user": user },
  });

async function stored(): Promise<number> {
  return (await emulator.api("/v1/files")).body.length;
}

it("streams the file to ImageKit with the profile's options", async () => {
  const res = await proxy(form(PDF, "report.pdf", "application/pdf"));
  expect(res.status).toBe(200);
  expect(res.body.data).toEqual({ stored: "/docs/ada/report.pdf" });
  expect(res.body.file).toMatchObject({
    size: PDF.length,
    tags: ["doc", "pdf"],
    customMetadata: { title: "Report" },
    isPrivateFile: true,
  });
  const details = await emulator.api(`/v1/files/${res.body.file.fileId}/details`);
  expect(details.body).toMatchObject({
    filePath: "/docs/ada/report.pdf",
    mime: "application/pdf",
    isPrivateFile: true,
  });
});

it("refuses a file whose content is not an accepted type, whatever its name says", async () => {
  const before = await stored();
  const res = await proxy(form(Buffer.from("just text, not a pdf"), "fake.pdf", "application/pdf"));
  expect(res.status).toBe(415);
  expect(res.body.error.code).toBe("file-invalid-type");
  expect(await stored()).toBe(before);
});

it("accepts a PNG by its bytes even when the browser says otherwise", async () => {
  const res = await proxy(form(PNG_1X1, "pixel.png", "application/octet-stream"));
  expect(res.status).toBe(200);
  // The profile's options saw the type read from the bytes, not the declared one.
  expect(res.body.file.tags).toEqual(["doc", "png"]);
});

it("applies every option: coordinates, description, extensions, post-transformations", async () => {
  const res = await proxy(form(PNG_1X1, "pixel.png", "image/png"));
  expect(res.status).toBe(200);
  expect(res.body.file).toMatchObject({
    tags: ["doc", "png"],
    customCoordinates: "0,0,1,1",
    description: "Report, uploaded by ada",
  });
  await emulator.idle();
  const details = await emulator.api(`/v1/files/${res.body.file.fileId}/details`);
  expect(details.body.AITags).toEqual(
    expect.arrayContaining([expect.objectContaining({ source: "aws-auto-tagging" })]),
  );
  expect(details.body.mime).toBe("image/png");
  const derived = await fetch(`${emulator.urlEndpoint}/tr:w-1,h-1${details.body.filePath}`, {
    method: "HEAD",
  });
  // A private file: even its post-transformation needs a signed URL.
  expect(derived.status).toBe(401);
});

it("refuses a file over the size limit, storing nothing", async () => {
  const before = await stored();
  const big = Buffer.concat([PDF, Buffer.alloc(70 * 1024, 32)]);
  const res = await proxy(form(big, "big.pdf", "application/pdf"));
  expect(res.status).toBe(413);
  expect(res.body.error.code).toBe("file-too-large");
  expect(await stored()).toBe(before);
});

it("refuses a signed-out user and bad input before anything is sent upstream", async () => {
  const before = await stored();
  const out = await proxy(form(PDF, "a.pdf", "application/pdf"), "eve");
  expect(out.status).toBe(401);
  const bad = await proxy(form(PDF, "a.pdf", "application/pdf", { title: "" }));
  expect(bad.status).toBe(400);
  expect(bad.body.error.code).toBe("invalid-input");
  expect(await stored()).toBe(before);
});

it("refuses a direct upload on a proxy-only profile", async () => {
  const res = await call(uploads, "/api/upload/documents/sign", {
    headers: { "x-user": "ada" },
    json: { files: [{ name: "a.pdf", size: 10, type: "application/pdf" }] },
  });
  expect(res.status).toBe(403);
});
