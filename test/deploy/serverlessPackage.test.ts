import { beforeAll, describe, expect, it } from 'vitest';
import { UNDELIVERED_EVENT_FILTER } from '../../shared/events/changes';
import { OUTBOX_GRACE_SECONDS, STREAM_MAX_RECORD_AGE_SECONDS } from '../../shared/events/dispatchOutbox';
import { type CfnTemplate, packageTemplate, resourcesOfType } from '../helpers/serverlessTemplate';

/** Iamport's public demo secret: if any secret value reached the template, this one would. */
const DEMO_SECRET = 'ekKoeW8RyKuT0zgaZsUtXXTLQ4AhPFW3ZGseDA6bkA5lamv9OqDMnxyeB9wqOsuO9W3Mx9YSJ4dTqJ3f';

let template: CfnTemplate;
let text: string;
let getOrderFiles: Record<string, Uint8Array>;

beforeAll(async () => {
  let artifacts: Record<string, Record<string, Uint8Array>>;
  ({ template, text, artifacts } = await packageTemplate(
    'prod',
    { RESULT_PAGE_URL: 'https://shop.test.kr/payments/result', ALLOWED_ORIGINS: 'https://shop.test.kr' },
    ['getOrder'],
  ));
  getOrderFiles = artifacts.getOrder ?? {};
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
  it('exposes exactly the routes of docs/design.md §5, and V2 beside V1', () => {
    expect(Object.keys(routes()).sort()).toEqual(
      [
        'GET /orders/{merchant_uid}',
        'GET /payments/complete/mobile',
        'OPTIONS /payments/complete',
        'GET /v2/payments/redirect',
        'OPTIONS /v2/payments/complete',
        'POST /orders',
        'POST /payments/complete',
        'POST /payments/webhook',
        'POST /v2/payments/complete',
        'POST /v2/payments/webhook',
      ].sort(),
    );
  });

  it('puts the back-office routes behind AWS IAM and leaves the public ones open', () => {
    const all = routes();
    expect(all['POST /orders']?.AuthorizationType).toBe('AWS_IAM');
    expect(all['GET /orders/{merchant_uid}']?.AuthorizationType).toBe('AWS_IAM');
    for (const key of [
      'POST /payments/complete',
      'POST /v2/payments/complete',
      'POST /v2/payments/webhook',
      'GET /v2/payments/redirect',
      'GET /payments/complete/mobile',
      'POST /payments/webhook',
    ]) {
      expect(all[key]?.AuthorizationType ?? 'NONE').toBe('NONE');
    }
  });

  it('declares the orders table (and the ledger checkpoints) on demand, with point-in-time recovery and encryption', () => {
    const tables = Object.fromEntries(resourcesOfType(template, 'AWS::DynamoDB::Table'));
    expect(Object.keys(tables).sort()).toEqual(['LedgerChecksTable', 'OrdersTable']);
    expect(tables.OrdersTable?.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'merchant_uid', KeyType: 'HASH' }],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
    expect(tables.LedgerChecksTable?.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'api', KeyType: 'HASH' }],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('holds no secret value: keys are SSM parameter names read at cold start', () => {
    expect(text).not.toContain(DEMO_SECRET);
    const envs = environments();
    expect(envs.length).toBe(12);
    for (const env of envs) {
      expect(env).not.toHaveProperty('IAMPORT_API_KEY');
      expect(env).not.toHaveProperty('IAMPORT_API_SECRET');
      expect(env.IAMPORT_API_SECRET_PARAMETER).toBe('/iamport-verify/prod/iamport-api-secret');
      expect(env.ACCEPT_SANDBOX_PAYMENTS).toBe('false');
      expect(env.STAGE).toBe('prod');
      // V2 is opt-in per stage: without its SSM names the functions serve V1 alone (and read no V2 secret).
      expect(env.PORTONE_API_SECRET_PARAMETER).toBe('');
      expect(env.PORTONE_WEBHOOK_SECRETS_PARAMETER).toBe('');
      expect(env.PRODUCTION).toBe('true');
    }
  });

  it('lets functions read only their own two SSM parameters', () => {
    const policies = JSON.stringify(resourcesOfType(template, 'AWS::IAM::Role'));
    expect(policies).toContain('ssm:GetParameters');
    expect(policies).toContain('parameter/iamport-verify/prod/iamport-api-secret');
    expect(policies).not.toMatch(/"ssm:\*"|"Action":"\*"/);
  });
});

describe('serverless package (prod): the bundles as shipped', () => {
  it('builds with custom.esbuild.plugins: getOrder ships @middy/core without node:stream/web', () => {
    const code = Object.entries(getOrderFiles).filter(([path]) => path.endsWith('.mjs'));
    const text = code.map(([, bytes]) => new TextDecoder().decode(bytes));
    expect(code.length).toBeGreaterThan(0);
    // middy is in the package (its timeout message is its own), but its web streams import is not.
    expect(text.some((file) => file.includes('@middy/core'))).toBe(true);
    expect(code.filter((_, i) => text[i]?.includes('node:stream/web')).map(([path]) => path)).toEqual([]);
  });
});

describe('serverless package (prod): reconciliation wiring', () => {
  it('feeds the retry queue to the consumer with partial batch responses', () => {
    const mappings = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping');
    expect(mappings.map(([id]) => id).sort()).toEqual([
      'DeliverEventsEventSourceMappingDynamodbOrdersTable',
      'RetryConsumerEventSourceMappingSQSRetryQueue',
    ]);
    expect(template.Resources.RetryConsumerEventSourceMappingSQSRetryQueue?.Properties).toMatchObject({
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
    const schedules = rules.map(([, rule]) => [
      rule.Properties?.ScheduleExpression,
      JSON.stringify(rule.Properties?.Targets).match(/(\w+)LambdaFunction/)?.[1],
    ]);
    expect(schedules.sort()).toEqual([
      ['rate(30 minutes)', 'LedgerCheck'],
      ['rate(5 minutes)', 'Sweeper'],
    ]);
    const table =
      resourcesOfType(template, 'AWS::DynamoDB::Table').find(([id]) => id === 'OrdersTable')?.[1]
        .Properties ?? {};
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

describe('serverless package (prod): order events after the request', () => {
  it('streams the orders table (new images) to the delivery function, filtered to waiting events', () => {
    const table = template.Resources.OrdersTable?.Properties ?? {};
    expect(table.StreamSpecification).toEqual({ StreamViewType: 'NEW_IMAGE' });
    const mapping = template.Resources.DeliverEventsEventSourceMappingDynamodbOrdersTable?.Properties ?? {};
    expect(mapping).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': ['OrdersTable', 'StreamArn'] },
      FunctionName: { 'Fn::GetAtt': ['DeliverEventsLambdaFunction', 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: expect.any(Number),
      MaximumRecordAgeInSeconds: STREAM_MAX_RECORD_AGE_SECONDS,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': ['EventDeliveryFailureQueue', 'Arn'] } },
      },
    });
    // The filter the delivery function and the local change feed apply (shared/events/changes.ts).
    const filters = (mapping.FilterCriteria as { Filters: { Pattern: string }[] }).Filters;
    expect(filters.map((filter) => JSON.parse(filter.Pattern))).toEqual([UNDELIVERED_EVENT_FILTER]);
    // The sweeper's safety net waits past the stream's whole retry window.
    expect(OUTBOX_GRACE_SECONDS).toBeGreaterThan(STREAM_MAX_RECORD_AGE_SECONDS);
  });

  it('alarms when the stream gave up on a record or falls behind', () => {
    expect(template.Resources.EventDeliveryFailureAlarm?.Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': ['EventDeliveryFailureQueue', 'QueueName'] } },
      ],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(template.Resources.EventDeliveryLagAlarm?.Properties).toMatchObject({
      MetricName: 'IteratorAge',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'DeliverEventsLambdaFunction' } }],
    });
  });

  it('lets only the delivery function read the stream and send to its failure queue', () => {
    const actions = actionsOf('DeliverEventsLambdaFunction');
    expect(actions).toEqual(
      [
        'dynamodb:BatchGetItem',
        'dynamodb:DescribeStream',
        'dynamodb:GetItem',
        'dynamodb:GetRecords',
        'dynamodb:GetShardIterator',
        'dynamodb:ListStreams',
        'dynamodb:UpdateItem',
        'events:PutEvents',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'sqs:SendMessage',
        'ssm:GetParameters',
      ].sort(),
    );
    expect(statementsOf('DeliverEventsLambdaFunction')).toContainEqual({
      Action: ['sqs:SendMessage'],
      Resource: { 'Fn::GetAtt': ['EventDeliveryFailureQueue', 'Arn'] },
    });
  });
});

/** The policy statements of one function's own role. */
function statementsOf(functionLogicalId: string): { Action: string[]; Resource: unknown }[] {
  const fn = template.Resources[functionLogicalId]?.Properties ?? {};
  const roleId = ((fn.Role as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt'] ?? [])[0] ?? '';
  const policies = (template.Resources[roleId]?.Properties?.Policies ?? []) as {
    PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] };
  }[];
  return policies.flatMap((policy) =>
    policy.PolicyDocument.Statement.map((statement) => ({
      Action: ([] as string[]).concat(statement.Action),
      Resource: statement.Resource,
    })),
  );
}

function actionsOf(functionLogicalId: string): string[] {
  return [...new Set(statementsOf(functionLogicalId).flatMap((statement) => statement.Action))].sort();
}

describe('serverless package (prod): deployment hardening', () => {
  it('gives each function its own role with only the actions it uses', () => {
    const logs = ['logs:CreateLogStream', 'logs:PutLogEvents'];
    expect(actionsOf('GetOrderLambdaFunction')).toEqual(['dynamodb:GetItem', ...logs].sort());
    expect(actionsOf('CreateOrderLambdaFunction')).toEqual(
      ['dynamodb:GetItem', 'dynamodb:PutItem', 'sqs:SendMessage', 'ssm:GetParameters', ...logs].sort(),
    );
    for (const fn of [
      'CompleteLambdaFunction',
      'V2CompleteLambdaFunction',
      'MobileLambdaFunction',
      'V2RedirectLambdaFunction',
      'WebhookLambdaFunction',
      'V2WebhookLambdaFunction',
    ]) {
      // No event target: a verification writes its event with the transition and sends nothing.
      expect(actionsOf(fn)).toEqual(
        ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'sqs:SendMessage', 'ssm:GetParameters', ...logs].sort(),
      );
    }
    expect(actionsOf('RetryConsumerLambdaFunction')).toContain('sqs:ReceiveMessage');
    expect(actionsOf('SweeperLambdaFunction')).toContain('dynamodb:Query');
    expect(actionsOf('SweeperLambdaFunction')).not.toContain('dynamodb:PutItem');
    const roles = resourcesOfType(template, 'AWS::IAM::Role').map(([id]) => id);
    expect(roles).toHaveLength(12);
    expect(text).not.toMatch(/"Action":\s*"\*"|"Resource":\s*"\*"|dynamodb:\*|sqs:\*/);
  });

  it("limits the bus permission to events:PutEvents on this stack's bus, for the senders only", () => {
    for (const fn of ['CompleteLambdaFunction', 'RetryConsumerLambdaFunction'])
      expect(actionsOf(fn)).not.toContain('events:PutEvents');
    // The ledger check sends its own findings (ledger.checked).
    for (const fn of ['DeliverEventsLambdaFunction', 'SweeperLambdaFunction', 'LedgerCheckLambdaFunction']) {
      const bus = statementsOf(fn).filter((statement) =>
        statement.Action.some((action) => action.startsWith('events:')),
      );
      expect(bus).toEqual([
        { Action: ['events:PutEvents'], Resource: { 'Fn::GetAtt': ['OrderEventsBus', 'Arn'] } },
      ]);
    }
  });

  it('reads the merchant webhook secret from SSM, never from the template', () => {
    for (const env of environments()) {
      expect(env.MERCHANT_WEBHOOK_SECRET_PARAMETER).toBe('/iamport-verify/prod/merchant-webhook-secret');
      expect(env).not.toHaveProperty('MERCHANT_WEBHOOK_SECRET');
    }
  });

  it('alarms on the DLQ, consumer and sweeper errors and the API 5xx rate, all notifying one topic', () => {
    const alarms = Object.fromEntries(resourcesOfType(template, 'AWS::CloudWatch::Alarm'));
    expect(Object.keys(alarms).sort()).toEqual([
      'EventDeliveryFailureAlarm',
      'EventDeliveryLagAlarm',
      'HttpApi5xxAlarm',
      'LedgerAttentionAlarm',
      'LedgerCheckErrorsAlarm',
      'RetryConsumerErrorsAlarm',
      'RetryDeadLetterAlarm',
      'SweeperErrorsAlarm',
    ]);
    for (const alarm of Object.values(alarms)) {
      expect(alarm.Properties?.AlarmActions).toEqual([{ Ref: 'AlarmsTopic' }]);
    }
    expect(JSON.stringify(alarms.HttpApi5xxAlarm)).toContain('"MetricName":"5xx"');
    expect(JSON.stringify(alarms.RetryConsumerErrorsAlarm)).toContain('RetryConsumerLambdaFunction');
    // The ledger check's "needs attention" log line is counted by a metric filter on its own log group.
    const [[, filter] = ['', { Type: '' }]] = resourcesOfType(template, 'AWS::Logs::MetricFilter');
    expect(filter.Properties).toMatchObject({
      LogGroupName: { Ref: 'LedgerCheckLogGroup' },
      FilterPattern: '{ $.message = "ledger check needs attention" }',
    });
    expect(JSON.stringify(alarms.LedgerAttentionAlarm)).toContain('LedgerCheckNeedsAttention');
  });

  it('lets the ledger check read and write its checkpoints and act on orders only as verification does', () => {
    expect(actionsOf('LedgerCheckLambdaFunction')).toEqual(
      [
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'events:PutEvents',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'ssm:GetParameters',
      ].sort(),
    );
    const puts = statementsOf('LedgerCheckLambdaFunction').filter((st) =>
      st.Action.includes('dynamodb:PutItem'),
    );
    expect(puts).toEqual([
      {
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem'],
        Resource: { 'Fn::GetAtt': ['LedgerChecksTable', 'Arn'] },
      },
    ]);
  });

  it('keeps logs for a bounded time', () => {
    const groups = resourcesOfType(template, 'AWS::Logs::LogGroup');
    expect(groups).toHaveLength(12);
    for (const [, group] of groups) expect(group.Properties?.RetentionInDays).toBe(30);
  });

  it('throttles every route, the public ones hardest, and the stage waits for the routes it names', () => {
    const [[, stage] = ['', { Type: '' }]] = resourcesOfType(template, 'AWS::ApiGatewayV2::Stage');
    const settings = stage.Properties as {
      DefaultRouteSettings: Record<string, number>;
      RouteSettings: Record<string, Record<string, number>>;
    };
    expect(settings.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 });
    const publicRoutes = [
      'POST /payments/complete',
      'OPTIONS /payments/complete',
      'POST /v2/payments/complete',
      'OPTIONS /v2/payments/complete',
      'GET /payments/complete/mobile',
      'POST /payments/webhook',
      'POST /v2/payments/webhook',
      'GET /v2/payments/redirect',
    ];
    expect(Object.keys(settings.RouteSettings).sort()).toEqual([...publicRoutes].sort());
    for (const key of publicRoutes) {
      expect(settings.RouteSettings[key]).toEqual({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 });
    }
    // Every route named in the settings exists, and the stage is created after it.
    const routeIds = Object.fromEntries(
      resourcesOfType(template, 'AWS::ApiGatewayV2::Route').map(([id, route]) => [
        route.Properties?.RouteKey,
        id,
      ]),
    );
    const dependsOn = (stage as { DependsOn?: string[] }).DependsOn ?? [];
    for (const key of publicRoutes) expect(dependsOn).toContain(routeIds[key]);
  });

  it('reserves concurrency for reconciliation, which a flood of the public routes cannot take', () => {
    const reserved = Object.fromEntries(
      resourcesOfType(template, 'AWS::Lambda::Function').map(([id, fn]) => [
        id,
        fn.Properties?.ReservedConcurrentExecutions,
      ]),
    );
    expect(reserved).toEqual({
      CompleteLambdaFunction: undefined,
      V2CompleteLambdaFunction: undefined,
      MobileLambdaFunction: undefined,
      WebhookLambdaFunction: undefined,
      CreateOrderLambdaFunction: undefined,
      GetOrderLambdaFunction: undefined,
      V2WebhookLambdaFunction: undefined,
      V2RedirectLambdaFunction: undefined,
      RetryConsumerLambdaFunction: 5,
      SweeperLambdaFunction: 1,
      LedgerCheckLambdaFunction: 1,
      // Stream-fed: one invocation per shard at a time, nothing to reserve.
      DeliverEventsLambdaFunction: undefined,
    });
    const mapping = template.Resources.RetryConsumerEventSourceMappingSQSRetryQueue;
    // The SQS poller never runs more consumers than are reserved (no throttled batches).
    expect(mapping?.Properties?.ScalingConfig).toEqual({ MaximumConcurrency: 5 });
  });

  it("sets the per-stage settings from the environment and Iamport's webhook IPs in prod", () => {
    for (const env of environments()) {
      expect(env.RESULT_PAGE_URL).toBe('https://shop.test.kr/payments/result');
      expect(env.ALLOWED_ORIGINS).toBe('https://shop.test.kr');
      expect(env.WEBHOOK_ALLOWED_IPS).toBe('52.78.100.19,52.78.48.223,52.78.5.241');
    }
  });
});

describe('serverless package (prod) without production settings', () => {
  it('refuses to package rather than deploy placeholders', async () => {
    await expect(
      packageTemplate('prod', { RESULT_PAGE_URL: undefined, ALLOWED_ORIGINS: undefined }),
    ).rejects.toThrow(/resultPageUrl|RESULT_PAGE_URL/);
  }, 120_000);
});
