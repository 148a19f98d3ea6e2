// SI units (1 kB = 1000 bytes), as macOS, Chrome's downloads and Intl's `kilobyte` count them,
// and as `parseFileSize` reads "25MB": a limit written "4MB" is shown as "4 MB".
const STEPS = ["byte", "kilobyte", "megabyte", "gigabyte"] as const;
// Building an Intl.NumberFormat costs far more than using one: a list of 1,000 files formats
// a size per row, so keep one per locale and unit.
const formats = new Map<string, Intl.NumberFormat>();

/**
 * A byte count for people, in their locale (default the runtime's), in SI units:
 * `formatFileSize(1500, "en")` is `"1.5 kB"`, `formatFileSize(586, "en")` `"586 bytes"`. The
 * kit's own messages, which the server sends too, use `"en"`.
 */
export function formatFileSize(bytes: number, locale?: string): string {
  let value = bytes;
  let step = 0;
  // Up a unit also where the rounding below would show 1000 ("1 MB", not "1,000 kB"): bytes
  // are shown whole, the larger units with one decimal.
  while (step < STEPS.length - 1 && value >= (step ? 999.95 : 999.5)) {
    value /= 1000;
    step++;
  }
  const key = `${locale ?? ""}|${step}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, {
      style: "unit",
      unit: STEPS[step],
      // The short byte is "byte" whatever the count ("586 byte"); the long one has plurals.
      unitDisplay: step === 0 ? "long" : "short",
      maximumFractionDigits: step === 0 ? 0 : 1,
    });
    formats.set(key, format);
  }
  return format.format(value);
}
