import { SESSION_COOKIE } from "../../../lib/session";

export const dynamic = "force-dynamic";

/** Sign in: `POST { name }` sets the cookie; `DELETE` signs out. */
export async function POST(request: Request): Promise<Response> {
  const { name } = (await request.json().catch(() => ({}))) as { name?: unknown };
  if (typeof name !== "string" || !/^[A-Za-z0-9_-]{1,32}$/.test(name)) {
    return Response.json(
      { error: { code: "bad-request", message: "Use 1 to 32 letters, digits, _ or -." } },
      { status: 400 },
    );
  }
  return Response.json(
    { name },
    { headers: { "set-cookie": `${SESSION_COOKIE}=${name}; Path=/; SameSite=Lax; HttpOnly` } },
  );
}

export async function DELETE(): Promise<Response> {
  return Response.json(
    { name: null },
    { headers: { "set-cookie": `${SESSION_COOKIE}=; Path=/; Max-Age=0` } },
  );
}
