const formats = new Map<string, Intl.NumberFormat>();

/** One cached formatter per locale and unit: a list of 1,000 files formats on every progress tick. */
function unitFormat(locale: string | undefined, unit: string): Intl.NumberFormat {
  const key = `${locale ?? ""}|${unit}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, {
      style: "unit",
      unit,
      unitDisplay: "short",
      maximumFractionDigits: unit === "hour" ? 1 : 0,
    });
    formats.set(key, format);
  }
  return format;
}

/**
 * A time left for people, in their locale, with one unit: `formatDuration(42, "en")` is
 * `"42 sec"`, `formatDuration(600, "en")` is `"10 min"`, `formatDuration(5400, "en")` is `"1.5 hr"`.
 */
export function formatDuration(seconds: number, locale?: string): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 100) return unitFormat(locale, "second").format(s);
  if (s < 100 * 60) return unitFormat(locale, "minute").format(Math.round(s / 60));
  return unitFormat(locale, "hour").format(s / 3600);
}

/** A whole percentage in the user's locale: `formatPercent(0.423, "en")` is `"42%"`. */
export function formatPercent(fraction: number, locale?: string): string {
  return unitFormat(locale, "percent").format(Math.round(Math.min(1, Math.max(0, fraction)) * 100));
}
