import type { Database } from "./database";

/**
 * Upload tokens are single-use, for v1 signatures and v2 JWTs alike, even when the request that
 * used one failed later. Kept in SQLite so a restart does not re-open a replay window.
 */
export class TokenLedger {
  constructor(private readonly db: Database) {}

  /** Records the token; false when it was used before. */
  use(token: string, nowSeconds: number): boolean {
    // Tokens live at most an hour, so older entries can never be presented validly again.
    this.db.prepare("DELETE FROM used_tokens WHERE used_at < ?").run(nowSeconds - 7200);
    const result = this.db
      .prepare("INSERT OR IGNORE INTO used_tokens (token, used_at) VALUES (?, ?)")
      .run(token, nowSeconds);
    return result.changes === 1;
  }
}
