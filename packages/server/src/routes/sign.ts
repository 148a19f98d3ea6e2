import {
  checkFiles,
  type FileInfo,
  type PublicRestrictions,
  type SignedUpload,
  signRequestSchema,
  UploadError,
} from "@upkit/core";
import { decideFields } from "../handler/decide-fields";
import { readBody } from "../handler/read-body";
import { json } from "../http/responses";
import { nameForType } from "../naming/name-for-type";
import { bindUpload } from "../signing/bind-upload";
import { createCompletionToken, hashInput } from "../signing/completion-token";
import { signUpload } from "../signing/sign-upload";
import { validateInput } from "../validate-input";
import type { ProfileRun } from "./route-table";

/**
 * `POST {profile}/sign`: one direct-upload signature per file, each with the completion token
 * that `complete` will need.
 */
export const signRoute: ProfileRun = async (ctx, profile, request, auth) => {
  const body = await readBody(request, signRequestSchema, "sign");
  const input = await validateInput(profile.profile.input, body.input);
  // The stored name's extension agrees with the type (as the proxy does with the real one):
  // `invoice.exe` declared as a PDF is signed as `invoice.pdf`; ImageKit's checks hold the bytes
  // to the profile's types.
  const named = body.files.map((file) => ({ ...file, name: nameForType(file.name, file.type) }));
  rejectFiles(profile.restrictions, named);
  const inputHash = await hashInput(body.input);
  const files: SignedUpload[] = [];
  for (const file of named) {
    const { fields, binding } = bindUpload(await decideFields(profile, auth, input, file));
    const signed = await signUpload(ctx.imagekit, ctx.signing, fields, ctx.expiresIn);
    const completionToken = await createCompletionToken(
      ctx.imagekit,
      { profile: profile.name, binding, fields, inputHash, file },
      ctx.expiresIn,
    );
    files.push({ ...signed, completionToken });
  }
  return json({ files });
};

/** Refuses the whole request on the first file the restrictions reject, listing every file's. */
function rejectFiles(restrictions: PublicRestrictions, files: FileInfo[]): void {
  const rejections = checkFiles(restrictions, files);
  const first = rejections.find((r) => r !== undefined);
  if (first) throw new UploadError(first.code, first.message, { data: { rejections } });
}
