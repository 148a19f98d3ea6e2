export declare const BUDGET_BYTES: number;
export declare function measureSize(entry?: string): Promise<{
  minified: number;
  gzipped: number;
  /** Minified bytes per package ("src" for this one). */
  parts: Record<string, number>;
  /** The bare imports left in the bundle. */
  externals: string[];
}>;
