import { parseQueueAttributes } from './attributes';
import { errors } from './errors';
import { LocalQueue } from './queue';

/** The account id in every local queue URL and ARN, as LocalStack and friends use. */
export const localAccountId = '000000000000';

const queueNamePattern = /^[A-Za-z0-9_-]{1,80}$/;

/** All queues of one local SQS, addressed by name, URL or ARN. */
export class QueueRegistry {
  private readonly queues = new Map<string, LocalQueue>();

  constructor(
    private readonly endpoint: () => string,
    readonly region: string,
    private readonly now: () => number,
  ) {}

  urlOf(name: string): string {
    return `${this.endpoint()}/${localAccountId}/${name}`;
  }

  arnOf(name: string): string {
    return `arn:aws:sqs:${this.region}:${localAccountId}:${name}`;
  }

  /** Idempotent like SQS: the same name with the same attributes returns the existing queue. */
  create(name: string, raw: Record<string, string> = {}): LocalQueue {
    if (name.endsWith('.fifo')) throw errors.unsupported('FIFO queues are not supported');
    if (!queueNamePattern.test(name)) {
      throw errors.invalidParameterValue(
        'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
      );
    }
    const { settings, attributes } = parseQueueAttributes(raw, (arn) => this.byArn(arn) !== undefined);
    const existing = this.queues.get(name);
    if (existing) {
      const differs = Object.keys(raw).some((key) => existing.attributes[key] !== attributes[key]);
      if (differs) throw errors.queueNameExists(name);
      return existing;
    }
    const queue = new LocalQueue(
      name,
      this.urlOf(name),
      this.arnOf(name),
      settings,
      attributes,
      this.now,
      (arn) => this.byArn(arn),
    );
    this.queues.set(name, queue);
    return queue;
  }

  byName(name: string): LocalQueue {
    const queue = this.queues.get(name);
    if (!queue) throw errors.queueDoesNotExist();
    return queue;
  }

  /**
   * Any host is accepted, only the path (`/<account>/<name>`) matters: a URL built for `localhost`
   * or seen through a proxy still names the same queue.
   */
  byUrl(url: string): LocalQueue {
    let path: string[];
    try {
      path = new URL(url).pathname.split('/').filter(Boolean);
    } catch {
      throw errors.invalidAddress(url);
    }
    const [account, name] = path;
    if (path.length !== 2 || account === undefined || name === undefined) throw errors.invalidAddress(url);
    if (account !== localAccountId) throw errors.queueDoesNotExist();
    return this.byName(name);
  }

  byArn(arn: string): LocalQueue | undefined {
    const name = arn.split(':').at(-1);
    const queue = name === undefined ? undefined : this.queues.get(name);
    return queue?.arn === arn ? queue : undefined;
  }
}
