// `@upkit/server/redis`: the only entry that loads `redis` (an optional peer dependency), so
// users without Redis install nothing for it.
export type { RedisConfigstore } from "./redis/redis-configstore";
export {
  type RedisClient,
  type RedisState,
  type RedisStateOptions,
  redisState,
} from "./redis/redis-state";
export { StateUnavailableError } from "./state/state-unavailable";
