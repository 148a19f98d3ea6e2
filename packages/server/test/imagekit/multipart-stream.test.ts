import { describe, expect, it } from "vitest";
import { createMultipartStream, escapeQuoted } from "../../src/imagekit/multipart-stream";
import { png, streamOf } from "./support";

const read = (stream: ReadableStream<Uint8Array>) => new Response(stream).arrayBuffer();

describe("createMultipartStream", () => {
  it("encodes fields and a streamed file that a multipart parser reads back", async () => {
    const image = png(4, 4);
    const multipart = createMultipartStream(
      { fileName: "héllo wörld.png", description: "line one\r\nline two", tags: "a,b" },
      { name: "file", fileName: "héllo.png", contentType: "image/png", body: streamOf(image, 5) },
    );
    expect(multipart.contentType).toBe(`multipart/form-data; boundary=${multipart.boundary}`);
    expect(multipart.boundary).toMatch(/^----upkit[0-9a-f]{32}$/);
    const form = await new Response(multipart.stream, {
      headers: { "content-type": multipart.contentType },
    }).formData();
    expect(form.get("fileName")).toBe("héllo wörld.png");
    expect(form.get("description")).toBe("line one\r\nline two");
    expect(form.get("tags")).toBe("a,b");
    const file = form.get("file") as File;
    expect(file.name).toBe("héllo.png");
    expect(file.type).toBe("image/png");
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(image);
  });

  it("reads a Blob the same way, and picks a new boundary each time", async () => {
    const body = new Blob(["abc"]);
    const first = createMultipartStream({}, { name: "file", fileName: "a.txt", body });
    const second = createMultipartStream({}, { name: "file", fileName: "a.txt", body });
    expect(first.boundary).not.toBe(second.boundary);
    const text = new TextDecoder().decode(await read(first.stream));
    expect(text).toBe(
      `--${first.boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n` +
        `Content-Type: application/octet-stream\r\n\r\nabc\r\n--${first.boundary}--\r\n`,
    );
  });

  it("escapes quotes and line breaks in names and filenames (no header injection)", async () => {
    expect(escapeQuoted('a"b\r\nc\rd\ne')).toBe("a%22b%0D%0Ac%0Dd%0Ae");
    const multipart = createMultipartStream(
      { 'x"\r\nContent-Type: text/evil': "1" },
      {
        name: "file",
        fileName: 'evil".png\r\n\r\ninjected',
        contentType: "image/png\r\nX-Injected: 1",
        body: new Blob(["z"]),
      },
      "BOUNDARY",
    );
    const text = new TextDecoder().decode(await read(multipart.stream));
    expect(text).toContain('name="x%22%0D%0AContent-Type: text/evil"\r\n\r\n1\r\n');
    expect(text).toContain('filename="evil%22.png%0D%0A%0D%0Ainjected"\r\n');
    expect(text).toContain("Content-Type: image/pngX-Injected: 1\r\n\r\nz");
    expect(text.split("\r\n").filter((line) => line.startsWith("Content-Type"))).toHaveLength(1);
  });

  it("pulls the file only as it is read, and cancels it when the body is cancelled", async () => {
    let pulls = 0;
    let cancelled: unknown;
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulls += 1;
          controller.enqueue(new Uint8Array([pulls]));
        },
        cancel(reason) {
          cancelled = reason;
        },
      },
      { highWaterMark: 0 },
    );
    const multipart = createMultipartStream({ a: "1" }, { name: "file", fileName: "f", body });
    const reader = multipart.stream.getReader();
    await reader.read(); // the head
    await reader.read(); // one file chunk
    expect(pulls).toBe(1);
    await reader.cancel("gone");
    expect(cancelled).toBe("gone");
  });

  it("errors when the file stream yields something other than bytes", async () => {
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue("text" as unknown as Uint8Array);
      },
    });
    const multipart = createMultipartStream({}, { name: "file", fileName: "f", body });
    await expect(read(multipart.stream)).rejects.toThrow("must yield Uint8Array chunks");
  });
});
