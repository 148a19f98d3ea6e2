import { expect } from "vitest";
import { directUpload } from "../support/call";
import { PNG, type Target, V2 } from "./harness";

/** One signed direct upload, as `sign` answers it. */
export interface Signed {
  uploadUrl: string;
  fields: Record<string, string>;
  expiresAt: number;
  completionToken: string;
}

const png = () => new Blob([new Uint8Array(PNG)], { type: "image/png" });
const INPUT: Record<string, unknown> = { gallery: { caption: "A pixel" } };

/** Signs one PNG for `user` on `profile` (the legitimate first step). */
export async function signPng(
  target: Target,
  profile: "avatar" | "gallery",
  user: string,
  base = V2,
): Promise<Signed> {
  const signed = await target.send(`${base}/${profile}/sign`, {
    user,
    json: {
      files: [{ name: "pixel.png", size: PNG.length, type: "image/png" }],
      ...(INPUT[profile] ? { input: INPUT[profile] } : {}),
    },
  });
  expect(signed.status, signed.text).toBe(200);
  return signed.body.files[0] as Signed;
}

/** The browser's upload straight to ImageKit (the emulator) with the signed fields. */
export async function uploadSigned(signed: Signed, tamper: Record<string, string> = {}) {
  return directUpload(signed, png(), "pixel.png", tamper);
}

/** `complete` as the browser calls it after a direct upload. */
export function complete(
  target: Target,
  profile: "avatar" | "gallery",
  user: string | undefined,
  body: { fileId: unknown; completionToken: unknown },
  base = V2,
) {
  return target.send(`${base}/${profile}/complete`, {
    ...(user === undefined ? {} : { user }),
    json: { ...body, ...(INPUT[profile] ? { input: INPUT[profile] } : {}) },
  });
}

/** A file a legitimate user uploaded all the way (sign, direct upload, complete). */
export interface Upload {
  signed: Signed;
  fileId: string;
  filePath: string;
}

export async function uploadAs(
  target: Target,
  profile: "avatar" | "gallery",
  user: string,
  base = V2,
): Promise<Upload> {
  const signed = await signPng(target, profile, user, base);
  const uploaded = await uploadSigned(signed);
  expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(200);
  const done = await complete(
    target,
    profile,
    user,
    { fileId: uploaded.body.fileId, completionToken: signed.completionToken },
    base,
  );
  expect(done.status, done.text).toBe(200);
  return { signed, fileId: uploaded.body.fileId, filePath: uploaded.body.filePath };
}

/** The files an attacker goes after: another user's avatar and gallery picture. */
export async function seedVictims(target: Target) {
  return {
    avatar: await uploadAs(target, "avatar", "victim"),
    gallery: await uploadAs(target, "gallery", "victim"),
  };
}
