import type { TestProject } from 'vitest/node';
import { createTablesFromResources, startLocalDynamo } from '../local/dynamo';
import { printServerlessConfig } from '../local/serverlessConfig';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    ordersTable: string;
    ledgerTable: string;
  }
}

/**
 * One dynalite for the whole run, its tables created from serverless.yml's own resources (the
 * `test` stage), so a schema change in the template is what the tests run against.
 */
export default async function setup(project: TestProject) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const dynamo = await startLocalDynamo();
  const config = await printServerlessConfig('test');
  const tables = await createTablesFromResources(dynamo.client, config.resources?.Resources ?? {});
  const ordersTable = tables.find((name) => name.endsWith('-orders'));
  const ledgerTable = tables.find((name) => name.endsWith('-ledger-checks'));
  if (!ordersTable || !ledgerTable) throw new Error('serverless.yml declares no orders or ledger table');
  project.provide('dynamoEndpoint', dynamo.endpoint);
  project.provide('ordersTable', ordersTable);
  project.provide('ledgerTable', ledgerTable);
  return () => dynamo.close();
}
