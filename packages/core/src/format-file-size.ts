const STEPS = ["byte", "kilobyte", "megabyte", "gigabyte"] as const;
// Building an Intl.NumberFormat costs far more than using one: a list of 1,000 files formats
// a size per row, so keep one per locale and unit.
const formats = new Map<string, Intl.NumberFormat>();

/**
 * A byte count for people, in their locale (default the runtime's): `formatFileSize(1536, "en")`
 * is `"1.5 kB"`. The kit's own messages, which the server sends too, use `"en"`.
 */
export function formatFileSize(bytes: number, locale?: string): string {
  let value = bytes;
  let step = 0;
  while (value >= 1024 && step < STEPS.length - 1) {
    value /= 1024;
    step++;
  }
  const key = `${locale ?? ""}|${step}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, {
      style: "unit",
      unit: STEPS[step],
      unitDisplay: "short",
      maximumFractionDigits: step === 0 ? 0 : 1,
    });
    formats.set(key, format);
  }
  return format.format(value);
}
