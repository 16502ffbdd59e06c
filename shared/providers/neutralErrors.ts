import { AttemptNotFoundError, ProviderUnavailableError } from '../payments/provider';

/** How one API's own error classes read to the core. */
export interface ErrorReading {
  /** No such payment, or an id that could never name one. */
  notFound(error: unknown): boolean;
  /** Nothing decided; the same call is safe later (timeouts, 5xx, 429, …). */
  transient(error: unknown): boolean;
}

/** Runs one provider call and turns its API's failures into the core's; any other error passes as is. */
export async function withNeutralErrors<T>(reading: ErrorReading, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (reading.notFound(error)) throw new AttemptNotFoundError(message, { cause: error });
    if (reading.transient(error)) throw new ProviderUnavailableError(message, { cause: error });
    throw error;
  }
}
