export declare const BUDGET_BYTES: number;
interface Bytes {
  minified: number;
  gzipped: number;
}
/** What a page loads up front when it imports `names` from the built `entry`, and what later. */
export declare function measureSize(
  entry?: string,
  names?: string[],
): Promise<
  Bytes & {
    lazy: Bytes;
    /** Bytes up front per package, before minifying. */
    parts: Record<string, number>;
    /** The modules up front, as paths from `packages/` or `node_modules/`. */
    modules: string[];
    /** The bare imports left in the bundle. */
    externals: string[];
  }
>;
