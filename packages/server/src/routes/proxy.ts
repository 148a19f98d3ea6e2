import { type FileInfo, fileInfoSchema, UploadError } from "@upkit/core";
import { decideFields } from "../handler/decide-fields";
import { finishUpload } from "../handler/finish-upload";
import { json } from "../http/responses";
import { streamProxyUpload } from "../proxy/stream-proxy-upload";
import { validateInput } from "../validate-input";
import type { ProfileRun } from "./route-table";

/**
 * `POST {profile}/proxy`: streams the multipart body's file to ImageKit. The input and the
 * ImageKit fields are decided once the file's first bytes told its real type.
 */
export const proxyRoute: ProfileRun = async (ctx, profile, request, auth) => {
  let input: unknown;
  let fields: Record<string, string> = {};
  const file = await streamProxyUpload({
    request,
    restrictions: profile.restrictions,
    client: ctx.client,
    signal: request.signal,
    prepare: async ({ fields: sent, file: declared }) => {
      input = await validateInput(profile.profile.input, parseInputField(sent.input));
      fields = await decideFields(profile, auth, input, fileInfo(declared));
      return fields;
    },
  });
  // The decided fields say which post-transformations the answer's `processing` follows.
  return json(await finishUpload(ctx, { profile, auth, input, file, request, fields }));
};

/** The multipart `input` field: JSON, or absent. */
function parseInputField(text: string | undefined): unknown {
  if (text === undefined || text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new UploadError("bad-request", "The input field is not valid JSON.");
  }
}

/** The file as the multipart body declares it (with the sniffed type), checked. */
function fileInfo(declared: { name: string; type: string; size?: number }): FileInfo {
  const info = fileInfoSchema.safeParse({
    name: declared.name,
    size: declared.size ?? 0,
    type: declared.type,
  });
  if (!info.success)
    throw new UploadError("bad-request", `Invalid file: ${info.error.issues[0]?.message}`);
  return info.data;
}
