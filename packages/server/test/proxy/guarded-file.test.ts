/**
 * The guarded file alone, on a real Node stream: the head it reads, the bytes it counts, and an
 * upstream body that is pulled a chunk at a time and ends only once verified.
 */
import { Readable } from "node:stream";
import { UploadError } from "@upkit/core";
import { describe, expect, it } from "vitest";
import { GuardedFile } from "../../src/proxy/guarded-file";

/** A file part of chunks of these sizes. */
const part = (...sizes: number[]) => Readable.from(sizes.map((size) => Buffer.alloc(size, 7)));

const codeOf = (error: unknown) => (error instanceof UploadError ? error.code : error);

describe("GuardedFile", () => {
  it("reads a head of whole chunks, or the whole file when it is smaller", async () => {
    const file = new GuardedFile(part(3000, 3000, 3000), { name: "a.bin" });
    const start = await file.readHead(4100);
    expect({ length: start.head.length, whole: start.whole }).toEqual({
      length: 6000,
      whole: false,
    });
    expect(file.size).toBe(6000);

    const small = new GuardedFile(part(10, 20), { name: "b.bin" });
    const whole = await small.readHead(4100);
    expect({ length: whole.head.length, whole: whole.whole }).toEqual({ length: 30, whole: true });
  });

  it("refuses a declared size over the limit without reading", () => {
    const create = () =>
      new GuardedFile(part(1), { name: "big.pdf", maxFileSize: 10, declaredSize: 11 });
    expect(create).toThrow(/big.pdf is larger than the 10 bytes allowed/);
  });

  it("fails as soon as the content passes the limit or its declared size", async () => {
    const tooLarge = new GuardedFile(part(6, 6, 6), { name: "a.bin", maxFileSize: 10 });
    expect(codeOf(await tooLarge.readHead(4100).catch((e: unknown) => e))).toBe("file-too-large");
    expect(tooLarge.size).toBe(12);

    const longer = new GuardedFile(part(6, 6, 6), { name: "a.bin", declaredSize: 8 });
    const error = await longer.readHead(4100).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "bad-request", data: { declaredSize: 8 } });

    const shorter = new GuardedFile(part(6), { name: "a.bin", declaredSize: 8 });
    await shorter.readHead(4100);
    expect(() => shorter.checkDeclaredSize()).toThrow(
      "The file has 6 bytes, but its size field said 8",
    );
  });

  it("pulls one chunk at a time, and ends its body only once verified", async () => {
    const file = new GuardedFile(part(5000, 5000, 5000), { name: "a.bin" });
    const start = await file.readHead(4100);
    let verify!: () => void;
    const verified = new Promise<void>((resolve) => {
      verify = resolve;
    });
    const body = (await file.upstreamBody(
      start,
      () => verified,
      (e) => e,
    )) as ReadableStream;
    const reader = body.getReader();
    expect((await reader.read()).value).toHaveLength(5000);
    // The head went out; nothing more was read ahead.
    expect(file.size).toBe(5000);
    expect((await reader.read()).value).toHaveLength(5000);
    expect(file.size).toBe(10_000);
    await reader.read();

    let ended = false;
    const end = reader.read().then((result) => {
      ended = result.done;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ended).toBe(false);
    verify();
    await end;
    expect(ended).toBe(true);
  });

  it("errors its body with the failure that stands when verification fails", async () => {
    const file = new GuardedFile(part(5000, 5000), { name: "a.bin" });
    const start = await file.readHead(4100);
    const first = new UploadError("aborted", "The client went away");
    const reported: unknown[] = [];
    const fail = (error: unknown) => {
      reported.push(error);
      return first;
    };
    const body = (await file.upstreamBody(
      start,
      async () => {
        throw new UploadError("bad-request", "The body was cut");
      },
      fail,
    )) as ReadableStream;
    const reader = body.getReader();
    await reader.read();
    await reader.read();
    await expect(reader.read()).rejects.toBe(first);
    expect(reported.map(codeOf)).toEqual(["bad-request"]);
  });

  it("sends a file smaller than its head as a Blob, verified first", async () => {
    const file = new GuardedFile(part(100), { name: "a.bin" });
    const start = await file.readHead(4100);
    const steps: string[] = [];
    const body = await file.upstreamBody(
      start,
      async () => {
        steps.push("verified");
      },
      (e) => e,
    );
    expect(steps).toEqual(["verified"]);
    expect(body).toBeInstanceOf(Blob);
    expect((body as Blob).size).toBe(100);
  });
});
