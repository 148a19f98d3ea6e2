import { type FileInfo, toImageKitFields, uploadOptionsSchema } from "@upkit/core";
import type { ResolvedProfile } from "./resolve-profiles";

/** The ImageKit form fields of one file: the profile's `options`, then its restriction checks. */
export async function decideFields(
  profile: ResolvedProfile,
  auth: unknown,
  input: unknown,
  file: FileInfo,
): Promise<Record<string, string>> {
  const decided = profile.profile.options
    ? await profile.profile.options({ ctx: auth, input, file })
    : {};
  const parsed = uploadOptionsSchema.safeParse({ fileName: file.name, ...decided });
  if (!parsed.success) {
    // The profile's own options are wrong: a bug on the server, not the user's fault.
    throw new Error(
      `Profile "${profile.name}" returned invalid ImageKit options: ${parsed.error.message}`,
    );
  }
  const fields = toImageKitFields(parsed.data);
  // ImageKit itself enforces the profile's limits on direct uploads, whatever the browser
  // claims or skips: bound into the signed `checks` (v2; v1 cannot bind them, `complete` does).
  if (profile.checks) {
    fields.checks = fields.checks ? `(${fields.checks}) AND ${profile.checks}` : profile.checks;
  }
  return fields;
}
