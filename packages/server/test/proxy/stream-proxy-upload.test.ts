/**
 * The proxy transport against the real emulator through the real ImageKit client: every refusal
 * is a 4xx UploadError and leaves nothing in the emulator, however far the upstream request got.
 */
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { UploadError } from "@upkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toNodeHandler } from "../../src/node";
import { streamProxyUpload } from "../../src/proxy/stream-proxy-upload";
import { PNG_1X1, startEmulator, type TestEmulator } from "../support/emulator";
import {
  bytesFile,
  deferred,
  expectNothingStored,
  expectRefusal,
  generatedFile,
  inFlight,
  MiB,
  type MultipartBody,
  multipartBody,
  PDF_HEAD,
  type Probe,
  probeClient,
  proxyRequest,
  pulledWhenSettled,
  runProxy,
  storedPaths,
  waitFor,
} from "./proxy-test-kit";

let emulator: TestEmulator;
let folders = 0;
const newFolder = () => `/proxy-tests/t${++folders}`;

beforeAll(async () => {
  emulator = await startEmulator({ maxFileSize: 64 * MiB });
});
afterAll(() => emulator.dispose());

const pngPart = (fileName = "pixel.png", type = "image/png") => ({
  name: "file",
  fileName,
  type,
  file: bytesFile(PNG_1X1),
});

describe("uploads", () => {
  it("sends a small file with prepare's fields, which reach ImageKit", async () => {
    const form = new FormData();
    form.append("input", JSON.stringify({ alt: "red dot" }));
    form.append("size", String(PNG_1X1.length));
    form.append("file", new Blob([PNG_1X1], { type: "image/png" }), "pixel.png");
    const request = new Request("http://app.test/api/upload/avatar/proxy", {
      method: "POST",
      body: form,
    });
    const folder = newFolder();
    const { probe, result } = runProxy(emulator, request, {
      restrictions: { accept: ["image/*"], maxFileSize: MiB },
      prepare: async ({ fields, file }) => ({
        fileName: `avatar-${file.name}`,
        folder,
        tags: `proxy,${JSON.parse(fields.input ?? "{}").alt.replace(" ", "-")}`,
        useUniqueFileName: "false",
      }),
    });
    const uploaded = await result;

    expect(probe.prepared).toEqual([
      {
        fields: { input: '{"alt":"red dot"}', size: String(PNG_1X1.length) },
        file: { name: "pixel.png", type: "image/png", size: PNG_1X1.length },
      },
    ]);
    expect(uploaded).toMatchObject({
      name: "avatar-pixel.png",
      size: PNG_1X1.length,
      fileType: "image",
    });
    const details = await emulator.api(`/v1/files/${uploaded.fileId}/details`);
    expect(details.status).toBe(200);
    expect(details.body).toMatchObject({
      filePath: `${folder}/avatar-pixel.png`,
      tags: ["proxy", "red-dot"],
      size: PNG_1X1.length,
      width: 1,
      height: 1,
    });
  });

  it("streams a 20 MiB file, counted to the byte", async () => {
    const file = generatedFile(20 * MiB, PDF_HEAD);
    const body = multipartBody([
      { name: "size", value: String(file.size) },
      { name: "file", fileName: "report.pdf", type: "application/pdf", file },
    ]);
    const folder = newFolder();
    const { probe, result } = runProxy(emulator, proxyRequest(body), {
      restrictions: { accept: ["application/pdf"], maxFileSize: 32 * MiB },
      folder,
    });
    const uploaded = await result;
    expect(uploaded.size).toBe(file.size);
    expect(probe.uploads).toHaveLength(1);
    expect(probe.uploads[0]?.bytes).toBe(file.size);
    const details = await emulator.api(`/v1/files/${uploaded.fileId}/details`);
    expect(details.body).toMatchObject({ filePath: `${folder}/report.pdf`, size: file.size });
  });

  it("passes ImageKit's own refusal on (never retried, nothing stored)", async () => {
    const folder = newFolder();
    const first = runProxy(emulator, proxyRequest(multipartBody([pngPart("same.png")])), {
      folder,
    });
    await first.result;
    const before = await storedPaths(emulator);
    const second = runProxy(emulator, proxyRequest(multipartBody([pngPart("same.png")])), {
      prepare: async () => ({
        fileName: "same.png",
        folder,
        useUniqueFileName: "false",
        overwriteFile: "false",
      }),
    });
    const error = await expectRefusal(second.result);
    expect(error.code).toBe("upload-failed");
    expect(error.message).toMatch(/already exists/i);
    expect(await storedPaths(emulator)).toEqual(before);
  });
});

describe("the type is judged by the content", () => {
  it("refuses a PNG renamed .pdf for a PDF-only profile before any byte goes upstream", async () => {
    for (const accept of [["application/pdf"], [".pdf"]]) {
      const before = await storedPaths(emulator);
      const body = multipartBody([pngPart("scan.pdf", "application/pdf")]);
      const { probe, result } = runProxy(emulator, proxyRequest(body), {
        restrictions: { accept },
      });
      const error = await expectRefusal(result);
      expect(error.code).toBe("file-invalid-type");
      expect(error.status).toBe(415);
      expect(error.data).toEqual({ detectedType: "image/png" });
      expect(probe.uploads).toEqual([]);
      expect(await storedPaths(emulator)).toEqual(before);
    }
  });

  it("refuses a large PDF renamed .png for an image profile, reading only its start", async () => {
    const file = generatedFile(16 * MiB, PDF_HEAD);
    const body = multipartBody([{ name: "file", fileName: "cat.png", type: "image/png", file }]);
    const { probe, result } = runProxy(emulator, proxyRequest(body), {
      restrictions: { accept: ["image/*"] },
    });
    const pulledAtRefusal = pulledWhenSettled(result, body);
    const error = await expectRefusal(result);
    expect(error.code).toBe("file-invalid-type");
    expect(error.message).toMatch(/application\/pdf/);
    expect(probe.uploads).toEqual([]);
    expect(pulledAtRefusal()).toBeLessThan(MiB);
  });

  it("judges a text file (no magic bytes) by its declared type and extension", async () => {
    const csv = new TextEncoder().encode("id,name\n1,Ada\n2,Grace\n");
    const folder = newFolder();
    const ok = runProxy(
      emulator,
      proxyRequest(
        multipartBody([
          { name: "file", fileName: "people.csv", type: "text/csv", file: bytesFile(csv) },
        ]),
      ),
      { restrictions: { accept: ["text/csv", ".csv"] }, folder },
    );
    expect(await ok.result).toMatchObject({ name: "people.csv", size: csv.length });

    // The same text claiming to be a PNG has no PNG signature: refused, whatever was declared.
    const fake = runProxy(
      emulator,
      proxyRequest(
        multipartBody([
          { name: "file", fileName: "photo.png", type: "image/png", file: bytesFile(csv) },
        ]),
      ),
      { restrictions: { accept: ["image/*"] } },
    );
    expect((await expectRefusal(fake.result)).code).toBe("file-invalid-type");
    expect(fake.probe.uploads).toEqual([]);
  });
});

describe("size", () => {
  it("aborts the upstream request past maxFileSize without reading the rest of the body", async () => {
    const before = await storedPaths(emulator);
    const file = generatedFile(48 * MiB, PDF_HEAD);
    const body = multipartBody([
      { name: "file", fileName: "big.pdf", type: "application/pdf", file },
    ]);
    const stopDrain = new AbortController();
    const { probe, result } = runProxy(emulator, proxyRequest(body), {
      restrictions: { maxFileSize: 2 * MiB },
      signal: stopDrain.signal,
    });
    const pulledAtRefusal = pulledWhenSettled(result, body);
    const error = await expectRefusal(result);
    expect(error.code).toBe("file-too-large");
    expect(error.status).toBe(413);
    expect(error.data).toEqual({ maxFileSize: 2 * MiB });
    // The upstream request had started, and was cut: at most the limit went out.
    expect(probe.uploads).toHaveLength(1);
    expect(probe.uploads[0]?.bytes).toBeLessThanOrEqual(2 * MiB);
    expect(pulledAtRefusal()).toBeLessThan(4 * MiB);
    stopDrain.abort();
    await expectNothingStored(emulator, before);
  });

  it("refuses a declared size over the limit before prepare and before reading the file", async () => {
    const file = generatedFile(8 * MiB, PDF_HEAD);
    const body = multipartBody([
      { name: "size", value: String(file.size) },
      { name: "file", fileName: "big.pdf", type: "application/pdf", file },
    ]);
    const { probe, result } = runProxy(emulator, proxyRequest(body), {
      restrictions: { maxFileSize: MiB },
    });
    expect((await expectRefusal(result)).code).toBe("file-too-large");
    expect(probe.prepared).toEqual([]);
    expect(probe.uploads).toEqual([]);
  });

  it("refuses a file smaller than minFileSize, and stores nothing", async () => {
    const before = await storedPaths(emulator);
    const { result } = runProxy(emulator, proxyRequest(multipartBody([pngPart()])), {
      restrictions: { minFileSize: 1024 },
    });
    const error = await expectRefusal(result);
    expect(error.code).toBe("file-too-small");
    expect(error.message).toMatch(/smaller than/);
    await expectNothingStored(emulator, before);
  });
});

describe("the body is verified before ImageKit may complete the upload", () => {
  /**
   * Holds the body right after everything of the file (and more) went out, until the emulator
   * has the whole file in its temp file: the upload is one closing boundary away from stored.
   */
  async function holdUntilUpstreamHasTheFile(
    size: number,
    probe: Probe,
    body: MultipartBody,
    result: Promise<unknown>,
  ): Promise<void> {
    let seen: number[] = [];
    let settled = "pending";
    result.then(
      () => {
        settled = "resolved";
      },
      (error: unknown) => {
        settled = `rejected: ${error}`;
      },
    );
    try {
      await waitFor(
        async () => {
          seen = await inFlight(emulator);
          // The emulator's parser may keep a boundary's length back until it sees what follows.
          return seen.some((n) => n >= size - 1024);
        },
        "the file upstream",
        4000,
      );
    } catch (error) {
      throw new Error(
        `${(error as Error).message}: pulled ${body.pulled()} of ${body.length}, upstream read ${probe.uploads.map((u) => `${u.bytes} (${u.error})`)}, emulator temp files ${seen}, result ${settled}`,
      );
    }
    // Neither completed nor failed yet: the upload waits for the end of the body.
    expect(settled).toBe("pending");
  }

  it("fails a body shorter than its Content-Length (truncated) and stores nothing", async () => {
    const before = await storedPaths(emulator);
    const file = generatedFile(6 * MiB, PDF_HEAD);
    const release = deferred();
    const parts = [{ name: "file", fileName: "cut.pdf", type: "application/pdf", file }];
    const length = multipartBody(parts).length;
    // The complete multipart body, but Content-Length says 1000 bytes more: a cut a proxy made.
    const body = multipartBody(parts, { hold: { at: length, until: release.promise } });
    const { result, probe } = runProxy(
      emulator,
      proxyRequest(body, { contentLength: length + 1000 }),
    );
    await holdUntilUpstreamHasTheFile(file.size, probe, body, result);
    release.resolve();
    const error = await expectRefusal(result);
    expect(error.code).toBe("bad-request");
    expect(error.message).toMatch(/truncated/);
    expect(error.data).toEqual({ received: length, contentLength: length + 1000 });
    await expectNothingStored(emulator, before);
  });

  it("fails a body that ends mid-file (short of its Content-Length)", async () => {
    const before = await storedPaths(emulator);
    const file = generatedFile(6 * MiB, PDF_HEAD);
    const body = multipartBody(
      [{ name: "file", fileName: "cut.pdf", type: "application/pdf", file }],
      {
        cutAt: 3 * MiB,
      },
    );
    const { probe, result } = runProxy(emulator, proxyRequest(body));
    const error = await expectRefusal(result);
    expect(error.code).toBe("bad-request");
    expect(error.message).toMatch(/truncated: received 3145728 of/);
    expect(probe.uploads).toHaveLength(1);
    await expectNothingStored(emulator, before);
  });

  it("fails a body that ends after the file's bytes without the closing boundary", async () => {
    const before = await storedPaths(emulator);
    const file = generatedFile(6 * MiB, PDF_HEAD);
    const release = deferred();
    const parts = [{ name: "file", fileName: "open.pdf", type: "application/pdf", file }];
    const length = multipartBody(parts, { noClose: true }).length;
    const body = multipartBody(parts, {
      noClose: true,
      hold: { at: length, until: release.promise },
    });
    // Content-Length matches what is sent: only the multipart framing shows the cut.
    const { result, probe } = runProxy(emulator, proxyRequest(body));
    await holdUntilUpstreamHasTheFile(file.size, probe, body, result);
    release.resolve();
    const error = await expectRefusal(result);
    expect(error.code).toBe("bad-request");
    expect(error.message).toMatch(/malformed multipart/);
    await expectNothingStored(emulator, before);
  });

  it("fails a file whose real size differs from its size field", async () => {
    const before = await storedPaths(emulator);
    const file = generatedFile(3 * MiB, PDF_HEAD);
    const body = multipartBody([
      { name: "size", value: String(file.size + 1) },
      { name: "file", fileName: "short.pdf", type: "application/pdf", file },
    ]);
    const { probe, result } = runProxy(emulator, proxyRequest(body));
    const error = await expectRefusal(result);
    expect(error.code).toBe("bad-request");
    expect(error.message).toBe(
      `The file has ${file.size} bytes, but its size field said ${file.size + 1}`,
    );
    expect(probe.uploads[0]?.bytes).toBe(file.size);
    await expectNothingStored(emulator, before);
  });

  it("fails a file larger than its size field as soon as it passes it", async () => {
    const file = generatedFile(8 * MiB, PDF_HEAD);
    const body = multipartBody([
      { name: "size", value: String(MiB) },
      { name: "file", fileName: "long.pdf", type: "application/pdf", file },
    ]);
    const stopDrain = new AbortController();
    const { result } = runProxy(emulator, proxyRequest(body), { signal: stopDrain.signal });
    const pulledAtRefusal = pulledWhenSettled(result, body);
    const error = await expectRefusal(result);
    expect(error.code).toBe("bad-request");
    expect(error.message).toMatch(/more bytes than its size field said/);
    expect(pulledAtRefusal()).toBeLessThan(4 * MiB);
    stopDrain.abort();
  });
});

describe("upstream failures", () => {
  it("a connection to ImageKit reset mid-stream is an upstream-error, and stores nothing", async () => {
    const before = await storedPaths(emulator);
    const fault = await emulator.api("/_emulator/faults", {
      method: "POST",
      body: JSON.stringify({
        method: "POST",
        path: "/api/v1/files/upload",
        times: 1,
        fault: { resetAfterBytes: MiB },
      }),
    });
    expect(fault.status).toBe(201);
    const file = generatedFile(6 * MiB, PDF_HEAD);
    const body = multipartBody([
      { name: "file", fileName: "reset.pdf", type: "application/pdf", file },
    ]);
    const { probe, result } = runProxy(emulator, proxyRequest(body));
    const error = await result.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UploadError);
    // Not the body's fault: a 502 the client may retry (a stream is not replayed upstream).
    expect((error as UploadError).code).toBe("upstream-error");
    expect(probe.uploads).toHaveLength(1);
    await expectNothingStored(emulator, before);
  });
});

describe("client disconnect", () => {
  it("refuses a request whose client is already gone, sending nothing", async () => {
    const gone = new AbortController();
    gone.abort();
    const body = multipartBody([pngPart()]);
    const { probe, result } = runProxy(emulator, proxyRequest(body), { signal: gone.signal });
    const error = await expectRefusal(result);
    expect(error.code).toBe("aborted");
    expect(error.data).toEqual({ received: 0, contentLength: body.length });
    expect(probe.prepared).toEqual([]);
    expect(probe.uploads).toEqual([]);
  });

  it("aborts the upstream request mid-upload, leaving nothing", async () => {
    const before = await storedPaths(emulator);
    const file = generatedFile(8 * MiB, PDF_HEAD);
    const never = new Promise<void>(() => {});
    const body = multipartBody(
      [{ name: "file", fileName: "gone.pdf", type: "application/pdf", file }],
      {
        hold: { at: 2 * MiB, until: never },
      },
    );
    const client = new AbortController();
    const { result } = runProxy(emulator, proxyRequest(body, { signal: client.signal }));
    // The upload is under way upstream when the client goes.
    await waitFor(
      async () => (await inFlight(emulator)).some((n) => n > MiB),
      "the upload upstream",
    );
    client.abort();
    const error = await expectRefusal(result);
    expect(error.code).toBe("aborted");
    await expectNothingStored(emulator, before);
  });

  it("through node:http: a client that hangs up mid-body aborts the upload", async () => {
    const before = await storedPaths(emulator);
    let outcome: Promise<unknown> | undefined;
    const server: Server = createServer(
      toNodeHandler(async (request) => {
        outcome = streamProxyUpload({
          request,
          restrictions: {},
          client: probeClient(emulator).client,
          prepare: async ({ file }) => ({ fileName: file.name, folder: newFolder() }),
        });
        try {
          const result = await outcome;
          return Response.json(result);
        } catch (error) {
          const status = error instanceof UploadError ? error.status : 500;
          return Response.json({ error: String(error) }, { status });
        }
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const file = generatedFile(8 * MiB, PDF_HEAD);
      const body = multipartBody([
        { name: "file", fileName: "hangup.pdf", type: "application/pdf", file },
      ]);
      const { port } = server.address() as AddressInfo;
      const req = httpRequest({
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/api/upload/docs/proxy",
        headers: { "content-type": body.contentType, "content-length": body.length },
      });
      req.on("error", () => {});
      const reader = body.stream.getReader();
      let sent = 0;
      while (sent < 3 * MiB) {
        const { value } = await reader.read();
        if (!value) break;
        sent += value.length;
        if (!req.write(value)) await new Promise((resolve) => req.once("drain", resolve));
      }
      await waitFor(
        async () => (await inFlight(emulator)).some((n) => n > MiB),
        "the upload upstream",
      );
      // Hang up with two thirds of the body unsent.
      req.destroy();
      await waitFor(async () => outcome !== undefined, "the handler");
      const error = await expectRefusal(outcome as Promise<unknown>);
      expect(error.code).toBe("aborted");
      await expectNothingStored(emulator, before);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("prepare", () => {
  it("refuses by throwing: nothing is sent upstream, and the body is still drained", async () => {
    const file = generatedFile(4 * MiB, PDF_HEAD);
    const body = multipartBody([
      { name: "input", value: '{"project":"p1"}' },
      { name: "file", fileName: "x.pdf", type: "application/pdf", file },
    ]);
    const { probe, result } = runProxy(emulator, proxyRequest(body), {
      prepare: async () => {
        throw new UploadError("forbidden", "Not your project");
      },
    });
    const error = await expectRefusal(result);
    expect(error.code).toBe("forbidden");
    expect(probe.uploads).toEqual([]);
    // Read to its end in the background, so the 403 can go out on the same connection.
    await waitFor(async () => body.pulled() === body.length, "the body to be drained");
  });
});

describe("malformed requests get a 400 bad-request", () => {
  const refused = async (request: Request, message: RegExp) => {
    const { probe, result } = runProxy(emulator, request);
    const error = await expectRefusal(result);
    expect(error.code).toBe("bad-request");
    expect(error.message).toMatch(message);
    expect(probe.uploads).toEqual([]);
  };
  const raw = (body: string, contentType = "multipart/form-data; boundary=xyz") =>
    new Request("http://app.test/api/upload/docs/proxy", {
      method: "POST",
      body,
      headers: { "content-type": contentType },
    });

  it("not multipart", async () => {
    await refused(raw('{"file":"x"}', "application/json"), /multipart\/form-data/);
  });

  it("multipart without a boundary", async () => {
    await refused(raw("--xyz--\r\n", "multipart/form-data"), /boundary/);
  });

  it("garbage instead of parts", async () => {
    await refused(raw("this is not a multipart body at all"), /malformed|no "file" part/);
  });

  it("a body cut inside a part's headers", async () => {
    await refused(raw('--xyz\r\nContent-Disposition: form-data; name="fi'), /malformed/);
  });

  it("no file part", async () => {
    await refused(proxyRequest(multipartBody([{ name: "input", value: "{}" }])), /no "file" part/);
  });

  // Both come after a file that already streamed upstream: its upload is aborted, not completed.
  const streamedPdf = (fileName: string) => ({
    name: "file",
    fileName,
    type: "application/pdf",
    file: generatedFile(3 * MiB, PDF_HEAD),
  });

  it("a field after the file", async () => {
    const before = await storedPaths(emulator);
    for (const file of [pngPart(), streamedPdf("late.pdf")]) {
      const body = multipartBody([file, { name: "input", value: "{}" }]);
      const { result } = runProxy(emulator, proxyRequest(body));
      const error = await expectRefusal(result);
      expect(error.message).toMatch(/"input" comes after the file/);
      await expectNothingStored(emulator, before);
    }
  });

  it("a second file", async () => {
    const before = await storedPaths(emulator);
    for (const first of [pngPart("a.png"), streamedPdf("a.pdf")]) {
      const body = multipartBody([first, pngPart("b.png")]);
      const { result } = runProxy(emulator, proxyRequest(body));
      expect((await expectRefusal(result)).message).toMatch(/one file/);
      await expectNothingStored(emulator, before);
    }
  });

  it("a file under another name", async () => {
    await refused(
      proxyRequest(multipartBody([{ ...pngPart(), name: "avatar" }])),
      /Unexpected file part "avatar"/,
    );
  });

  it("a file part without a filename", async () => {
    const form = new FormData();
    form.append("file", "just text");
    await refused(new Request("http://app.test/x", { method: "POST", body: form }), /no filename/);
  });

  it("too many fields, or one too large", async () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ name: `f${i}`, value: "x" }));
    await refused(proxyRequest(multipartBody([...many, pngPart()])), /At most 32 fields/);
    await refused(
      proxyRequest(multipartBody([{ name: "input", value: "x".repeat(70_000) }, pngPart()])),
      /"input" is too large/,
    );
  });

  it("a size field that is not a byte count", async () => {
    await refused(
      proxyRequest(multipartBody([{ name: "size", value: "12kb" }, pngPart()])),
      /"size" field/,
    );
  });

  it("a Content-Length that is not a byte count", async () => {
    await refused(
      proxyRequest(multipartBody([pngPart()]), { contentLength: -1 as number }),
      /Content-Length/,
    );
  });
});
