/**
 * An error with an answer for the client: `{error: {code, message}}` with `status`. Only 4xx are
 * exposed as they are; anything else reaching the edge becomes a generic 500 without details.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
  }
}
