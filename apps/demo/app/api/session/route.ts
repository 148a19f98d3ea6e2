import { checkDisplayName } from "../../../lib/display-name";
import { signInCookie, signOutCookie } from "../../../lib/session";

export const dynamic = "force-dynamic";

/** Sign in: `POST { name }` sets the cookie; `DELETE` signs out. */
export async function POST(request: Request): Promise<Response> {
  const body = (await request.json().catch(() => undefined)) as { name?: unknown } | null;
  const checked = checkDisplayName(body?.name);
  if (!checked.ok) {
    return Response.json(
      { error: { code: "bad-request", message: checked.message } },
      { status: 400 },
    );
  }
  return Response.json(
    { name: checked.name },
    { headers: { "set-cookie": signInCookie(checked.name) } },
  );
}

export async function DELETE(): Promise<Response> {
  return Response.json({ name: null }, { headers: { "set-cookie": signOutCookie() } });
}
