/** Small statistics for benchmark results: medians of repeated runs and percentiles of latencies. */

/** The median of `values` (mean of the two middle values for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? Number.NaN;
  if (sorted.length % 2 === 1) return upper;
  return ((sorted[middle - 1] ?? Number.NaN) + upper) / 2;
}

/**
 * The `p`-th percentile (0–100) by the nearest-rank method on the sorted values: p99 of 1,000
 * latencies is the 990th smallest. NaN when empty.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? Number.NaN;
}

/** Smallest and largest value, for showing the spread of repeated runs next to their median. */
export function range(values: readonly number[]): { min: number; max: number } {
  return { min: Math.min(...values), max: Math.max(...values) };
}

/** `a / b`, NaN when `b` is 0. */
export function ratio(a: number, b: number): number {
  return b === 0 ? Number.NaN : a / b;
}

/** Fixed decimals, thousands separated: `fmt(1234.5, 1)` → `1,234.5`. */
export function fmt(value: number, decimals = 0): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** `2.31×` */
export function times(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a';
}

/** `1,234 (1,100–1,300)`: a median with the range of the runs it came from. */
export function withRange(values: readonly number[], decimals = 0): string {
  const { min, max } = range(values);
  return values.length > 1
    ? `${fmt(median(values), decimals)} (${fmt(min, decimals)}–${fmt(max, decimals)})`
    : fmt(median(values), decimals);
}

/** KiB with one decimal. */
export function kib(bytes: number): string {
  return `${fmt(bytes / 1024, 1)} KiB`;
}
