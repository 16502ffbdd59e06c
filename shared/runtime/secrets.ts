import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { SecretSource } from '../config';

/**
 * Resolves plain values or SSM SecureString names, in one GetParameters call at cold start.
 * A missing parameter fails the cold start with its name (never its value).
 */
let defaultClient: SSMClient | undefined;

/** One SSM client per process, made only when a parameter must really be read. */
function sharedClient(): SSMClient {
  defaultClient ??= new SSMClient({});
  return defaultClient;
}

export async function resolveSecrets<K extends string>(
  sources: Record<K, SecretSource>,
  ssm?: Pick<SSMClient, 'send'>,
): Promise<Record<K, string>> {
  const entries = Object.entries(sources) as [K, SecretSource][];
  const names = entries.flatMap(([, source]) => ('parameter' in source ? [source.parameter] : []));
  const fetched = new Map<string, string>();
  if (names.length > 0) {
    const answer = await (ssm ?? sharedClient()).send(
      new GetParametersCommand({ Names: names, WithDecryption: true }),
    );
    for (const parameter of answer.Parameters ?? []) {
      if (parameter.Name && parameter.Value) fetched.set(parameter.Name, parameter.Value);
    }
  }
  const resolved = {} as Record<K, string>;
  for (const [key, source] of entries) {
    const value = 'value' in source ? source.value : fetched.get(source.parameter);
    if (!value) throw new Error(`SSM parameter ${'parameter' in source ? source.parameter : key} is missing`);
    resolved[key] = value;
  }
  return resolved;
}
