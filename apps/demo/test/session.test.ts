import { describe, expect, it } from "vitest";
import { DELETE, POST } from "../app/api/session/route";
import { folderSlug } from "../lib/folder-slug";
import { readSession, SESSION_COOKIE, userOf } from "../lib/session";

const signIn = (body: unknown) =>
  POST(
    new Request("http://localhost/api/session", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
  );

/** The cookie's `name=value`, as the browser sends it back. */
const cookieOf = (response: Response) =>
  (response.headers.get("set-cookie") ?? "").split(";")[0] as string;

describe("POST /api/session", () => {
  it.each(["Jane Doe", "Zoë Ångström-李", "李雷", "Seán O'Brien"])(
    "signs in %j, and the server reads the same name back",
    async (name) => {
      const response = await signIn({ name });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ name });
      const setCookie = response.headers.get("set-cookie") ?? "";
      expect(setCookie).toMatch(/; Path=\/; SameSite=Lax; HttpOnly$/);
      // Encoded: only cookie-safe characters on the wire.
      expect(cookieOf(response)).toMatch(new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9%._~!*'()-]+$`));
      const request = new Request("http://localhost/", {
        headers: { cookie: `other=1; ${cookieOf(response)}` },
      });
      expect(userOf(request)).toEqual({ name, slug: folderSlug(name) });
    },
  );

  it("keeps the name as it will be shown: trimmed, one space between words", async () => {
    const response = await signIn({ name: "  Jane   Doe " });
    expect(await response.json()).toEqual({ name: "Jane Doe" });
    expect(readSession(cookieOf(response))?.name).toBe("Jane Doe");
  });

  it.each([
    [{ name: "" }, "Enter your name."],
    [{ name: "a".repeat(65) }, "Use at most 64 characters."],
    [{ name: "Jane\u0007" }, "A name may not contain control characters (tabs, line breaks)."],
    [{}, "Enter your name."],
    [null, "Enter your name."],
  ])("refuses %j, saying why", async (body, message) => {
    const response = await signIn(body);
    expect(response.status).toBe(400);
    expect(response.headers.get("set-cookie")).toBeNull();
    expect(await response.json()).toEqual({ error: { code: "bad-request", message } });
  });

  it("signs out", async () => {
    const response = await DELETE();
    expect(response.headers.get("set-cookie")).toMatch(
      new RegExp(`^${SESSION_COOKIE}=;.*Max-Age=0`),
    );
  });
});

describe("readSession", () => {
  it("trusts nothing in the cookie it would not have written", () => {
    const read = (value: string) => readSession(`${SESSION_COOKIE}=${value}`);
    expect(read("ada")).toEqual({ name: "ada", slug: "ada" });
    expect(read("Jane%20Doe")).toEqual({ name: "Jane Doe", slug: folderSlug("Jane Doe") });
    expect(read("")).toBeUndefined();
    expect(read("%E0%A4%A")).toBeUndefined(); // not percent-encoded UTF-8
    expect(read("Jane%09Doe")).toBeUndefined(); // a tab
    expect(read("..%2F..%2Fadmin")).toBeUndefined();
    expect(read("%20Jane")).toBeUndefined(); // not trimmed: not written by the sign-in
    expect(read("Zoe%CC%88")).toBeUndefined(); // not NFC: not written by the sign-in
    expect(read("a".repeat(65))).toBeUndefined();
    expect(readSession(undefined)).toBeUndefined();
    expect(readSession("other=ada")).toBeUndefined();
    expect(readSession(`x${SESSION_COOKIE}=ada`)).toBeUndefined();
  });
});
