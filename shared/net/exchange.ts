import type { Dispatcher } from 'undici';

/** How one HTTP exchange ended: the whole answer as text, or the reason there is none. */
export type Exchange =
  | { ok: true; statusCode: number; text: string }
  /** `statusCode` is set when the headers arrived before the failure. */
  | { ok: false; error: Error; statusCode: number | undefined };

/**
 * Sends one request and reads the whole answer as UTF-8 text (a byte-order mark dropped, as undici's
 * `body.text()` does), within one deadline of `timeoutMs` from this call: the wait for a connection,
 * the headers and every byte of the body. Never rejects; a failure is an `Exchange` with `ok: false`.
 *
 * Why not `dispatcher.request({ signal: AbortSignal.timeout(timeoutMs) })`: that costs ~40 µs of CPU per
 * call (an `AbortSignal` with its own timer and listener, a `Readable` for the body), more than the rest
 * of a lookup on a warm connection. Here the deadline is one `setTimeout`, cleared when the answer is
 * complete, and the body is collected straight from undici's handler callbacks. undici's own
 * `headersTimeout`/`bodyTimeout` are no substitute: they restart per phase and per chunk, so a server
 * dribbling bytes would hold the call for as long as it likes.
 *
 * At the deadline the call settles at once with a `TimeoutError`, whatever phase it is in. A request
 * still queued for a connection then is aborted as soon as undici hands it one, before anything is sent;
 * one already sent has its connection destroyed, so no socket is left half-read.
 */
export function exchange(
  dispatcher: Dispatcher,
  options: Dispatcher.DispatchOptions,
  timeoutMs: number,
): Promise<Exchange> {
  return new Promise<Exchange>((resolve) => {
    const call = new DeadlineCall(resolve, timeoutMs);
    try {
      dispatcher.dispatch(options, call);
    } catch (error) {
      call.fail(error);
    }
  });
}

/** The reason a call ends with at its deadline; named like `AbortSignal.timeout`'s. */
function timeoutError(timeoutMs: number): Error {
  return new DOMException(`no complete answer within ${timeoutMs} ms`, 'TimeoutError');
}

/** One call's undici handler: collects the answer and settles once, on its end, an error or the deadline. */
class DeadlineCall implements Dispatcher.DispatchHandler {
  private statusCode: number | undefined;
  private chunks: Buffer[] = [];
  private controller: Dispatcher.DispatchController | undefined;
  private settled = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly resolve: (exchange: Exchange) => void,
    private readonly timeoutMs: number,
  ) {
    this.timer = setTimeout(() => this.expire(), timeoutMs);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    if (this.settled) {
      // Expired while waiting for a connection: give it back before sending anything.
      controller.abort(timeoutError(this.timeoutMs));
      return;
    }
    // undici may start a request again on a fresh connection; only the last start's answer counts.
    this.controller = controller;
    this.statusCode = undefined;
    this.chunks = [];
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number): void {
    // 1xx informational answers are followed by the real one.
    if (statusCode >= 200) this.statusCode = statusCode;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (!this.settled) this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.settled) return;
    if (this.statusCode === undefined) {
      this.fail(new Error('the answer ended without a status'));
      return;
    }
    this.settle({ ok: true, statusCode: this.statusCode, text: decode(this.chunks) });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
  }

  fail(error: unknown): void {
    const reason = error instanceof Error ? error : new Error(String(error));
    this.settle({ ok: false, error: reason, statusCode: this.statusCode });
  }

  private expire(): void {
    if (this.settled) return;
    const error = timeoutError(this.timeoutMs);
    this.settle({ ok: false, error, statusCode: this.statusCode });
    this.controller?.abort(error);
  }

  private settle(exchange: Exchange): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.chunks = [];
    this.resolve(exchange);
  }
}

/** UTF-8, a leading byte-order mark skipped, invalid sequences replaced (like undici's `body.text()`). */
function decode(chunks: Buffer[]): string {
  const buffer = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
  const bom = buffer.length >= 3 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf;
  return buffer.toString('utf8', bom ? 3 : 0);
}
