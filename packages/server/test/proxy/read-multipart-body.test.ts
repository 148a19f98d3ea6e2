/**
 * Reading the multipart body alone, from a real Request: what it refuses before reading, the
 * fields it hands over with the file part, and the failures it reports to the outcome.
 */
import type { UploadError } from "@upkit/core";
import { describe, expect, it } from "vitest";
import { type FilePart, openMultipartBody } from "../../src/proxy/read-multipart-body";
import { createUploadOutcome } from "../../src/proxy/upload-outcome";

const BOUNDARY = "b0undary";

/** A multipart body: `[name, value]` fields, and `[name, filename, content]` files. */
function multipart(parts: ([string, string] | [string, string, string])[]): string {
  const encoded = parts.map(([name, value, content]) =>
    content === undefined
      ? `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`
      : `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"; filename="${value}"\r\nContent-Type: text/plain\r\n\r\n${content}\r\n`,
  );
  return `${encoded.join("")}--${BOUNDARY}--\r\n`;
}

function request(body: string, headers: Record<string, string> = {}): Request {
  return new Request("http://app.test/upload", {
    method: "POST",
    body,
    headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}`, ...headers },
  });
}

/** Reads the body to its end, reading the file part through, until it ended or failed. */
async function read(req: Request) {
  const body = openMultipartBody(req);
  const outcome = createUploadOutcome<string>();
  outcome.promise.catch(() => {});
  const seen: { file?: FilePart; content: string } = { content: "" };
  await body.read(outcome, (part) => {
    seen.file = part;
    part.stream.on("data", (chunk: Buffer) => {
      seen.content += chunk.toString();
    });
  });
  // Without a file part, the body can only fail.
  const ended = seen.file?.bodyEnded ?? new Promise(() => {});
  await Promise.race([ended, outcome.failed]).catch(() => {});
  return { ...seen, error: outcome.error as UploadError | undefined, body };
}

describe("openMultipartBody", () => {
  it("refuses what cannot be a multipart body before reading anything", () => {
    const refusal = (req: Request) => {
      try {
        openMultipartBody(req);
      } catch (error) {
        return (error as UploadError).message;
      }
    };
    const text = new Request("http://app.test/", { method: "POST", body: "x" });
    expect(refusal(text)).toMatch(/must be a multipart\/form-data request/);
    const noBoundary = request("x", { "content-type": "multipart/form-data" });
    expect(refusal(noBoundary)).toMatch(/no usable boundary/);
    expect(refusal(request("x", { "content-length": "1e3" }))).toMatch(/not a byte count/);
  });

  it("hands over the file part with the fields sent before it", async () => {
    const req = request(
      multipart([
        ["input", '{"a":1}'],
        ["size", "5"],
        ["file", "a.txt", "hello"],
      ]),
    );
    const { file, content, error, body } = await read(req);
    expect(error).toBeUndefined();
    expect(file).toMatchObject({ fileName: "a.txt", type: "text/plain" });
    expect(file?.fields).toEqual({ input: '{"a":1}', size: "5" });
    expect(content).toBe("hello");
    expect(body.progress().received).toBeGreaterThan(0);
  });

  it("refuses a field after the file, a file under another name, and no file", async () => {
    const after = await read(
      request(
        multipart([
          ["file", "a.txt", "x"],
          ["input", "{}"],
        ]),
      ),
    );
    expect(after.error?.message).toMatch(/"input" comes after the file/);
    const misnamed = await read(request(multipart([["upload", "a.txt", "x"]])));
    expect(misnamed.error?.message).toMatch(/Unexpected file part "upload"/);
    const none = await read(request(multipart([["input", "{}"]])));
    expect(none.error?.message).toMatch(/no "file" part/);
  });

  it("checks the body against its Content-Length, and drains it after a failure", async () => {
    const text = multipart([["file", "a.txt", "hello"]]);
    const longer = await read(request(text, { "content-length": String(text.length - 10) }));
    expect(longer.error?.message).toMatch(/longer than its Content-Length/);
    expect(longer.body.progress().received).toBe(text.length);
    const shorter = await read(request(text, { "content-length": String(text.length + 10) }));
    expect(shorter.error?.message).toMatch(/truncated: received/);
  });
});
