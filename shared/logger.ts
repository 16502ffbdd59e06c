import { Logger } from '@aws-lambda-powertools/logger';

/**
 * Structured JSON logs. Callers log identifiers (merchant_uid, imp_uid) and outcomes only: never a
 * request body, a token, a key or buyer data, which is why no event logging is switched on here.
 */
export function createLogger(serviceName: string): Logger {
  // The level comes from POWERTOOLS_LOG_LEVEL / LOG_LEVEL (Powertools reads them), INFO by default.
  return new Logger({ serviceName });
}
