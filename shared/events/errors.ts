/**
 * Failures of event targets. Messages name the event (type and id) and what went wrong; never a
 * secret, a signature, a URL (merchants put tokens in query strings) or the event's detail.
 */
export class EventDeliveryError extends Error {
  readonly code: string = 'EVENT_DELIVERY_FAILED';
  /** {@link EventTarget.name} of the target that failed. */
  readonly target: string;
  constructor(target: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EventDeliveryError';
    this.target = target;
  }
}

/** The merchant's endpoint did not accept the event within this call's attempts. */
export class WebhookDeliveryError extends EventDeliveryError {
  override readonly code = 'WEBHOOK_DELIVERY_FAILED';
  /** HTTP status of the last answer; undefined when there was none (connection error, timeout). */
  readonly status: number | undefined;
  /** Requests made in this call. */
  readonly attempts: number;
  /**
   * False when the endpoint refused the event itself (a 4xx other than 408/409/429, or a redirect):
   * re-sending the same bytes will fail the same way until the merchant changes something.
   */
  readonly retryable: boolean;
  constructor(
    message: string,
    details: { status: number | undefined; attempts: number; retryable: boolean },
    options?: ErrorOptions,
  ) {
    super('webhook', message, options);
    this.name = 'WebhookDeliveryError';
    this.status = details.status;
    this.attempts = details.attempts;
    this.retryable = details.retryable;
  }
}

/** EventBridge did not take the event: the call failed, or the entry came back with an error code. */
export class EventBridgeDeliveryError extends EventDeliveryError {
  override readonly code = 'EVENTBRIDGE_DELIVERY_FAILED';
  /** The failed entry's `ErrorCode` (`ThrottlingException`, `InternalFailure`…), when there was one. */
  readonly errorCode: string | undefined;
  constructor(message: string, errorCode: string | undefined, options?: ErrorOptions) {
    super('eventbridge', message, options);
    this.name = 'EventBridgeDeliveryError';
    this.errorCode = errorCode;
  }
}
