const STEPS = ["byte", "kilobyte", "megabyte", "gigabyte"] as const;

/** A byte count for people, in their locale: `formatFileSize(1536, "en")` is `"1.5 kB"`. */
export function formatFileSize(bytes: number, locale?: string): string {
  let value = bytes;
  let step = 0;
  while (value >= 1024 && step < STEPS.length - 1) {
    value /= 1024;
    step++;
  }
  return new Intl.NumberFormat(locale, {
    style: "unit",
    unit: STEPS[step],
    unitDisplay: "short",
    maximumFractionDigits: step === 0 ? 0 : 1,
  }).format(value);
}
