import type { HandlerContext } from "../handler/handler-context";
import { json } from "../http/responses";

/** `GET config`: each profile's restrictions and transports, for the browser's pre-checks. */
export async function configRoute(ctx: HandlerContext): Promise<Response> {
  return json(ctx.publicConfig);
}
