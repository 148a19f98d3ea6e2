/** Every response the suite saw, to prove the private key never appears in any of them. */
export const seen: { url: string; status: number; headers: string; body: string }[] = [];

/** Calls a handler the way a framework would: with a real `Request`. */
export async function call(
  handler: (request: Request) => Promise<Response>,
  path: string,
  init: RequestInit & { json?: unknown } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const { json, ...rest } = init;
  const request = new Request(`http://app.test${path}`, {
    ...rest,
    ...(json !== undefined
      ? {
          method: rest.method ?? "POST",
          body: JSON.stringify(json),
          headers: { "content-type": "application/json", ...rest.headers },
        }
      : {}),
  });
  const response = await handler(request);
  const text = await response.text();
  seen.push({
    url: path,
    status: response.status,
    headers: JSON.stringify([...response.headers]),
    body: text,
  });
  return {
    status: response.status,
    body: text ? JSON.parse(text) : undefined,
    headers: response.headers,
  };
}

/** The browser's direct upload: POST the signed fields and the file to ImageKit (the emulator). */
export async function directUpload(
  signed: { uploadUrl: string; fields: Record<string, string> },
  file: Blob,
  fileName: string,
  tamper: Record<string, string> = {},
) {
  const form = new FormData();
  for (const [name, value] of Object.entries({ ...signed.fields, ...tamper }))
    form.append(name, value);
  form.append("file", file, fileName);
  const response = await fetch(signed.uploadUrl, { method: "POST", body: form });
  return { status: response.status, body: (await response.json()) as any };
}
