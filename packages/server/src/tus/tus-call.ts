import type { HandlerContext } from "../handler/handler-context";
import type { ResolvedProfile } from "../handler/resolve-profiles";
import type { TusService } from "./create-tus-service";

/** What a tus route needs besides the request: the profile, the caller and the tus side. */
export interface TusCall {
  ctx: HandlerContext;
  tus: TusService;
  profile: ResolvedProfile;
  request: Request;
  /** What `authorize` returned. */
  auth: unknown;
  /** The caller's `ownerKey`. */
  owner: string;
}
