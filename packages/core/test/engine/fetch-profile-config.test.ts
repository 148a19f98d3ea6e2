import { describe, expect, it, vi } from "vitest";
import { createUploader } from "../../src/engine/create-uploader";
import type { ProfileConfig } from "../../src/protocol";
import { configFetch } from "./fakes";

// The answers are kept for the page by endpoint URL: each test uses endpoints of its own.

const photos: ProfileConfig = { restrictions: { maxFileSize: 1000 }, transports: ["direct"] };
const docs: ProfileConfig = { restrictions: { accept: [".pdf"] }, transports: ["proxy"] };

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe("GET {endpoint}/config, shared by the uploaders of a page", () => {
  it("is asked once for two uploaders on one endpoint, each getting its profile", async () => {
    const { fetch, calls } = configFetch({ photos, docs });
    const first = createUploader({ profile: "photos", endpoint: "/shared/one", fetch });
    const second = createUploader({ profile: "docs", endpoint: "/shared/one", fetch });
    first.subscribe(() => {});
    second.subscribe(() => {});
    await settle();
    expect(calls).toEqual(["/shared/one/config"]);
    expect(first.getSnapshot().config).toEqual(photos);
    expect(second.getSnapshot().config).toEqual(docs);

    // One mounted later takes the settled answer.
    const third = createUploader({ profile: "photos", endpoint: "/shared/one", fetch });
    third.subscribe(() => {});
    await settle();
    expect(third.getSnapshot().config).toEqual(photos);
    expect(calls).toEqual(["/shared/one/config"]);
  });

  it("asks each endpoint on its own", async () => {
    const { fetch, calls } = configFetch({ photos });
    createUploader({ profile: "photos", endpoint: "/shared/a", fetch }).subscribe(() => {});
    createUploader({ profile: "photos", endpoint: "/shared/b/", fetch }).subscribe(() => {});
    await settle();
    expect(calls.sort()).toEqual(["/shared/a/config", "/shared/b/config"]);
  });

  it("does not keep a failed request: the uploaders waiting share it, the next call asks again", async () => {
    let answers = 0;
    const calls: string[] = [];
    const fetch = (async (input: RequestInfo | URL) => {
      calls.push(String(input));
      answers++;
      if (answers === 1)
        return Response.json(
          { error: { code: "internal-error", message: "boom" } },
          { status: 500 },
        );
      return Response.json({ profiles: { photos } });
    }) as typeof globalThis.fetch;
    const first = createUploader({ profile: "photos", endpoint: "/shared/flaky", fetch });
    const second = createUploader({ profile: "photos", endpoint: "/shared/flaky", fetch });
    first.subscribe(() => {});
    second.subscribe(() => {});
    // A failure's error mapping loads on demand: wait for it, not for a fixed time.
    await vi.waitFor(() => {
      expect(first.getSnapshot().configError?.code).toBe("internal-error");
      expect(second.getSnapshot().configError?.code).toBe("internal-error");
    });
    expect(calls).toHaveLength(1);

    // Both ask again (a 5xx may pass), and one request answers both.
    first.subscribe(() => {});
    second.subscribe(() => {});
    await vi.waitFor(() => expect(first.getSnapshot()).toMatchObject({ config: photos }));
    expect(calls).toHaveLength(2);
    expect(second.getSnapshot()).toMatchObject({ config: photos });
    expect(first.getSnapshot().configError).toBeUndefined();
  });
});
