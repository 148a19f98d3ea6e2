// Prints the one plain line CI reads (`tests: N passed, N failed, N skipped`), summed from the
// JSON reports every runner leaves in <package>/reports/. Exits non-zero when anything failed,
// when nothing ran, or when a package that has tests left no report.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

let passed = 0;
let failed = 0;
let skipped = 0;
let reports = 0;
const missing = [];

for (const root of ["packages", "apps", "examples"]) {
  if (!existsSync(root)) continue;
  for (const dir of readdirSync(root)) {
    const pkg = join(root, dir);
    const vitest = join(pkg, "reports", "vitest.json");
    if (existsSync(vitest)) {
      const r = JSON.parse(readFileSync(vitest, "utf8"));
      const skip = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
      // A file that failed to load counts as a failure even though no test in it ran.
      const brokenFiles = (r.testResults ?? []).filter(
        (f) => f.status === "failed" && (f.assertionResults ?? []).length === 0,
      ).length;
      passed += r.numPassedTests;
      failed += r.numFailedTests + brokenFiles;
      skipped += skip;
      reports++;
      console.log(
        `${pkg} (vitest): ${r.numPassedTests} passed, ${r.numFailedTests + brokenFiles} failed, ${skip} skipped`,
      );
    } else if (existsSync(join(pkg, "vitest.config.ts"))) {
      missing.push(pkg);
    }
    const e2e = join(pkg, "reports", "e2e.json");
    if (existsSync(e2e)) {
      const s = JSON.parse(readFileSync(e2e, "utf8")).stats;
      const p = s.expected + s.flaky;
      passed += p;
      failed += s.unexpected;
      skipped += s.skipped;
      reports++;
      console.log(`${pkg} (playwright): ${p} passed, ${s.unexpected} failed, ${s.skipped} skipped`);
    }
    // Checks of a script's own (scripts/test-example-app.mjs): `{ checks: [{ name, status }] }`.
    const checks = join(pkg, "reports", "checks.json");
    if (existsSync(checks)) {
      const list = JSON.parse(readFileSync(checks, "utf8")).checks;
      const count = (status) => list.filter((check) => check.status === status).length;
      passed += count("passed");
      failed += count("failed");
      skipped += count("skipped");
      reports++;
      console.log(
        `${pkg} (checks): ${count("passed")} passed, ${count("failed")} failed, ${count("skipped")} skipped`,
      );
    } else if (root === "examples" && existsSync(join(pkg, "package.json"))) {
      missing.push(pkg);
    }
  }
}
for (const pkg of missing) {
  console.log(`${pkg}: no test report (its test run crashed)`);
  failed++;
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 || reports === 0 ? 1 : 0);
