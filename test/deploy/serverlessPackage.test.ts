import { beforeAll, describe, expect, it } from 'vitest';
import { type CfnTemplate, packageTemplate, resourcesOfType } from '../helpers/serverlessTemplate';

/** Iamport's public demo secret: if any secret value reached the template, this one would. */
const DEMO_SECRET = 'ekKoeW8RyKuT0zgaZsUtXXTLQ4AhPFW3ZGseDA6bkA5lamv9OqDMnxyeB9wqOsuO9W3Mx9YSJ4dTqJ3f';

let template: CfnTemplate;
let text: string;

beforeAll(async () => {
  ({ template, text } = await packageTemplate('prod'));
}, 120_000);

function routes() {
  return Object.fromEntries(
    resourcesOfType(template, 'AWS::ApiGatewayV2::Route').map(([, route]) => [
      String(route.Properties?.RouteKey),
      route.Properties ?? {},
    ]),
  );
}

function environments(): Record<string, unknown>[] {
  return resourcesOfType(template, 'AWS::Lambda::Function').map(
    ([, fn]) => (fn.Properties?.Environment as { Variables?: Record<string, unknown> })?.Variables ?? {},
  );
}

describe('serverless package (prod)', () => {
  it('exposes exactly the five routes of design §5', () => {
    expect(Object.keys(routes()).sort()).toEqual([
      'GET /orders/{merchant_uid}',
      'GET /payments/complete/mobile',
      'OPTIONS /payments/complete',
      'POST /orders',
      'POST /payments/complete',
      'POST /payments/webhook',
    ]);
  });

  it('puts the back-office routes behind AWS IAM and leaves the public ones open', () => {
    const all = routes();
    expect(all['POST /orders']?.AuthorizationType).toBe('AWS_IAM');
    expect(all['GET /orders/{merchant_uid}']?.AuthorizationType).toBe('AWS_IAM');
    for (const key of [
      'POST /payments/complete',
      'GET /payments/complete/mobile',
      'POST /payments/webhook',
    ]) {
      expect(all[key]?.AuthorizationType ?? 'NONE').toBe('NONE');
    }
  });

  it('declares the orders table on demand, with point-in-time recovery and encryption', () => {
    const tables = resourcesOfType(template, 'AWS::DynamoDB::Table');
    expect(tables).toHaveLength(1);
    const properties = tables[0]?.[1].Properties ?? {};
    expect(properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'merchant_uid', KeyType: 'HASH' }],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('holds no secret value: keys are SSM parameter names read at cold start', () => {
    expect(text).not.toContain(DEMO_SECRET);
    const envs = environments();
    expect(envs.length).toBe(7);
    for (const env of envs) {
      expect(env).not.toHaveProperty('IAMPORT_API_KEY');
      expect(env).not.toHaveProperty('IAMPORT_API_SECRET');
      expect(env.IAMPORT_API_SECRET_PARAMETER).toBe('/iamport-verify/prod/iamport-api-secret');
      expect(env.ACCEPT_SANDBOX_PAYMENTS).toBe('false');
      expect(env.STAGE).toBe('prod');
    }
  });

  it('lets functions read only their own two SSM parameters', () => {
    const policies = JSON.stringify(resourcesOfType(template, 'AWS::IAM::Role'));
    expect(policies).toContain('ssm:GetParameters');
    expect(policies).toContain('parameter/iamport-verify/prod/iamport-api-secret');
    expect(policies).not.toMatch(/"ssm:\*"|"Action":"\*"/);
  });
});

describe('serverless package (prod): reconciliation wiring', () => {
  it('feeds the retry queue to the consumer with partial batch responses', () => {
    const mappings = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(1);
    expect(mappings[0]?.[1].Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': ['RetryQueue', 'Arn'] },
      FunctionName: { 'Fn::GetAtt': ['RetryConsumerLambdaFunction', 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('redrives to a dead-letter queue after a bounded number of receives, above the consumer timeout', () => {
    const queue = template.Resources.RetryQueue?.Properties ?? {};
    expect(queue.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': ['RetryDeadLetterQueue', 'Arn'] },
      maxReceiveCount: expect.any(Number),
    });
    const consumer = template.Resources.RetryConsumerLambdaFunction?.Properties ?? {};
    expect(Number(queue.VisibilityTimeout)).toBeGreaterThan(Number(consumer.Timeout));
  });

  it('alarms as soon as the dead-letter queue is not empty', () => {
    const alarm = template.Resources.RetryDeadLetterAlarm?.Properties ?? {};
    expect(alarm).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['RetryDeadLetterQueue', 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('runs the sweeper on a schedule and lets it query the sparse due-checks index', () => {
    const rules = resourcesOfType(template, 'AWS::Events::Rule');
    expect(rules.map(([, rule]) => rule.Properties?.ScheduleExpression)).toEqual(['rate(5 minutes)']);
    expect(JSON.stringify(rules[0]?.[1].Properties?.Targets)).toContain('SweeperLambdaFunction');
    const table = resourcesOfType(template, 'AWS::DynamoDB::Table')[0]?.[1].Properties ?? {};
    expect(table.GlobalSecondaryIndexes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          IndexName: 'due-checks',
          KeySchema: [
            { AttributeName: 'check_bucket', KeyType: 'HASH' },
            { AttributeName: 'check_due_at', KeyType: 'RANGE' },
          ],
        }),
      ]),
    );
  });
});
