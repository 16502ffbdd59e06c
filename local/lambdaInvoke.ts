/** Lambda's Invoke API path for `functionName` (what serverless-offline serves, and the benchmarks' consumer). */
export function invocationsPath(functionName: string): string {
  return `/2015-03-31/functions/${functionName}/invocations`;
}

/**
 * Invokes a function through serverless-offline's Lambda API, exactly as AWS would for a queue or a
 * schedule: the same handler code, in serverless-offline's worker, with the deployed environment.
 */
export function lambdaInvoker(lambdaUrl: string, functionName: string) {
  return async function invoke(payload: unknown): Promise<unknown> {
    const response = await fetch(`${lambdaUrl}${invocationsPath(functionName)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    });
    const text = await response.text();
    if (!response.ok || response.headers.get('x-amz-function-error')) {
      throw new Error(`${functionName} failed (${response.status}): ${text.slice(0, 500)}`);
    }
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  };
}
