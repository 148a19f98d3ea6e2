import type { Transport } from "../protocol";
import { UploadError } from "../upload-error";
import { TUS_THRESHOLD_BYTES } from "./defaults";
import type { EngineState } from "./engine-state";
import type { UploadTransport } from "./uploader-types";

/**
 * The transport for `file` among those the profile allows: the one `options.transport` names;
 * with `auto`, tus for large files (when allowed), else direct, else proxy. An
 * `UploadError` says why none fits (the file fails with it before any byte moves).
 */
export function chooseTransport<TInput, TData>(
  state: EngineState<TInput, TData>,
  file: File,
  allowed: Transport[],
): UploadTransport | UploadError {
  const { profile, options, builtIn } = state;
  const transportNamed = (name: Transport) => options.transports?.[name] ?? builtIn[name];
  const wanted = options.transport ?? "auto";
  if (wanted !== "auto") {
    if (!allowed.includes(wanted)) {
      return new UploadError(
        "forbidden",
        `The "${wanted}" transport is not allowed by the "${profile}" profile (it allows ${allowed.join(", ")})`,
      );
    }
    return (
      transportNamed(wanted) ??
      new UploadError("bad-request", `The "${wanted}" transport needs options.transports.${wanted}`)
    );
  }
  const tus = transportNamed("tus");
  if (tus && allowed.includes("tus") && file.size >= TUS_THRESHOLD_BYTES) return tus;
  for (const name of ["direct", "proxy", "tus"] as const) {
    const transport = transportNamed(name);
    if (transport && allowed.includes(name)) return transport;
  }
  return new UploadError(
    "bad-request",
    `None of the "${profile}" profile's transports (${allowed.join(", ")}) is available: pass it in options.transports`,
  );
}
