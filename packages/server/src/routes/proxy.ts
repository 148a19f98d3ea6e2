import { type FileInfo, fileInfoSchema, UploadError } from "@upkit/core";
import { decideFields } from "../handler/decide-fields";
import { finishUpload } from "../handler/finish-upload";
import { json } from "../http/responses";
import { nameForType } from "../naming/name-for-type";
import { streamProxyUpload } from "../proxy/stream-proxy-upload";
import { bindIfQueueable } from "../queued/bind-queueable";
import { queuedAnswer } from "../queued/queued-answer";
import type { UploadBinding } from "../signing/bind-upload";
import { validateInput } from "../validate-input";
import type { ProfileRun } from "./route-table";

/**
 * `POST {profile}/proxy`: streams the multipart body's file to ImageKit. The input and the
 * ImageKit fields are decided once the file's first bytes told its real type.
 */
export const proxyRoute: ProfileRun = async (ctx, profile, request, auth) => {
  let input: unknown;
  let fields: Record<string, string> = {};
  let binding: UploadBinding | undefined;
  let declaredFile: FileInfo | undefined;
  const answer = await streamProxyUpload({
    request,
    restrictions: profile.restrictions,
    client: ctx.client,
    signal: request.signal,
    prepare: async ({ fields: sent, file: declared }) => {
      input = await validateInput(profile.profile.input, parseInputField(sent.input));
      declaredFile = fileInfo(declared);
      const decided = await decideFields(profile, auth, input, declaredFile);
      // Named with the stored type's extension first: the binding's suffix must survive it.
      const fileName = nameForType(decided.fileName ?? declared.name, declared.type);
      ({ fields, binding } = bindIfQueueable({ ...decided, fileName }));
      return fields;
    },
  });
  if ("queued" in answer) {
    const file = declaredFile ?? { name: "file", size: 0, type: "" };
    return json(await queuedAnswer(ctx, { profile, input, fields, binding, file }), 202);
  }
  // The decided fields say which post-transformations the answer's `processing` follows.
  return json(await finishUpload(ctx, { profile, auth, input, file: answer, request, fields }));
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
