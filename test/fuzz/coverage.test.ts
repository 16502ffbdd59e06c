import { describe, expect, it } from 'vitest';
import { FUZZED_ROUTES } from './fuzzedRoutes';
import { serverlessRoutes } from './serverlessRoutes';

describe('fuzz: coverage', () => {
  it('fuzzes every HTTP route serverless.yml deploys, and no other', () => {
    expect([...FUZZED_ROUTES].sort()).toStrictEqual(serverlessRoutes().sort());
  });
});
