import type { PaymentRecord } from './store';

/** The `sorting` values of find, findAll and status; a leading minus means descending. */
export const sortings = ['-started', 'started', '-paid', 'paid', '-updated', 'updated'] as const;
export type Sorting = (typeof sortings)[number];

export interface Page<T> {
  total: number;
  /** Page numbers; 0 means there is none. */
  previous: number;
  next: number;
  list: T[];
}

function key(record: PaymentRecord, field: string): [number, number] {
  if (field === 'paid') return [record.payment.paid_at, record.seq];
  if (field === 'updated') return [record.updatedAt, record.updateSeq];
  return [record.payment.started_at, record.seq];
}

/**
 * Timestamps are whole seconds, so attempts made within one second tie; they are then ordered by when
 * they happened (creation or last change), in the same direction. Unpaid attempts have `paid_at` 0 and
 * therefore come first on `paid` and last on `-paid`.
 */
export function sortRecords(records: readonly PaymentRecord[], sorting: Sorting): PaymentRecord[] {
  const descending = sorting.startsWith('-');
  const field = descending ? sorting.slice(1) : sorting;
  const sign = descending ? -1 : 1;
  return [...records].sort((a, b) => {
    const [a1, a2] = key(a, field);
    const [b1, b2] = key(b, field);
    return sign * (a1 - b1 || a2 - b2);
  });
}

export function paginate<T>(items: readonly T[], page: number, limit: number): Page<T> {
  const total = items.length;
  const start = (page - 1) * limit;
  return {
    total,
    previous: page > 1 ? page - 1 : 0,
    next: start + limit < total ? page + 1 : 0,
    list: items.slice(start, start + limit),
  };
}

/** The last page that exists; page 1 always exists, even when empty. */
export const lastPage = (total: number, limit: number): number => Math.max(1, Math.ceil(total / limit));
