// Owns Weir's configuration: every environment variable, parsed and validated in one place.
// A bad value stops start-up with one line naming the variable and the problem.
import { z } from 'zod';
import { durationString, urlString } from './schemas.ts';

const url = urlString;

const positiveInt = z.coerce.number().int().positive();
const port = z.coerce.number().int().min(1).max(65535);
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const nonEmpty = z.string().min(1, { message: 'must not be empty' });
/** '24h', '90m', '30s', '250ms', or a number of milliseconds. */
const duration = durationString(
  "must be a duration like '24h', '30m', '10s' or a number of milliseconds",
  'ms',
).pipe(z.number().positive({ message: 'must be longer than 0' }));

/**
 * The value docker-compose.yml falls back to when WEIR_SECRET_KEY is not set. It is refused, not
 * used: a key everyone knows protects nothing.
 */
export const SECRET_KEY_PLACEHOLDER = 'change-me-to-a-long-random-string-of-32-chars-or-more';
const HOW_TO_SET_KEY =
  'set it to a random value of 32+ characters (for example `openssl rand -hex 32`), the same on every Weir process';

/**
 * Every environment variable Weir reads. README.md's configuration table lists the same set;
 * `config.test.ts` checks that they agree.
 */
export const envSchema = z.object({
  DATABASE_URL: url(['postgresql:', 'postgres:'], 'postgresql://user:pass@host:5432/weir').optional(),
  REDIS_URL: url(['redis:', 'rediss:'], 'redis://127.0.0.1:6379').optional(),
  WEIR_HOME: nonEmpty.default('.weir'),
  WEIR_DAGS_FOLDER: nonEmpty.default('dags'),
  WEIR_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_{}:-]+$/, { message: 'may contain only letters, digits, _ - : { }' })
    .default('weir'),
  WEIR_EVENT_BUS_URL: url(['redis:', 'rediss:'], 'redis://127.0.0.1:6379').optional(),
  WEIR_EVENT_PARTITIONS: positiveInt.max(1024, { message: 'must be at most 1024' }).default(8),
  WEIR_LAKE_URL: url(['file:', 's3:'], 's3://bucket/prefix/ or file:///var/lake').optional(),
  WEIR_WAREHOUSE_URL: url(
    ['duckdb:', 'postgresql:', 'postgres:'],
    'duckdb:///var/weir/warehouse.duckdb',
  ).optional(),
  S3_ENDPOINT: url(['http:', 'https:'], 'http://127.0.0.1:9000').optional(),
  S3_REGION: nonEmpty.default('us-east-1'),
  S3_ACCESS_KEY_ID: nonEmpty.optional(),
  S3_SECRET_ACCESS_KEY: nonEmpty.optional(),
  S3_FORCE_PATH_STYLE: bool.default(true),
  SLACK_TOKEN: nonEmpty.optional(),
  SLACK_CHANNEL: nonEmpty.default('#weir-alerts'),
  SLACK_API_URL: url(['http:', 'https:'], 'https://slack.com/api/').optional(),
  PAGERDUTY_ROUTING_KEY: nonEmpty.optional(),
  PAGERDUTY_EVENTS_URL: url(['http:', 'https:'], 'https://events.pagerduty.com/v2/enqueue').default(
    'https://events.pagerduty.com/v2/enqueue',
  ),
  SMTP_URL: url(['smtp:', 'smtps:'], 'smtp://user:pass@mail.example.com:587').optional(),
  ALERT_EMAIL_FROM: z.email({ message: 'must be an email address' }).default('weir@localhost'),
  ALERT_EMAIL_TO: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.email({ message: 'must be a comma-separated list of email addresses' })))
    .optional(),
  WEIR_ALERTS_FILE: nonEmpty.optional(),
  WEIR_BASE_URL: url(['http:', 'https:'], 'https://weir.example.com').default('http://localhost:3000'),
  WEIR_UNHEALTHY_AFTER_MS: positiveInt.default(60_000),
  WEIR_ALERT_DELIVERY_MAX_AGE: duration.default(86_400_000),
  WEIR_SECRET_KEY: z
    .string()
    .min(32, { message: 'must be at least 32 characters long' })
    .refine((v) => v !== SECRET_KEY_PLACEHOLDER, {
      message: `is the placeholder from docker-compose.yml: ${HOW_TO_SET_KEY}, in .env`,
    })
    .optional(),
  WEIR_WEB_HOST: nonEmpty.default('0.0.0.0'),
  WEIR_WEB_PORT: port.default(3000),
  WEIR_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  WEIR_CONNECT_TIMEOUT_MS: positiveInt.default(10_000),
  WEIR_SCHEDULER_TICK_MS: positiveInt.default(1_000),
  WEIR_DAG_IMPORT_TIMEOUT_MS: positiveInt.default(30_000),
  WEIR_DAG_POLL_MS: positiveInt.default(2_000),
  WEIR_SCHEMA_REFRESH_MS: positiveInt.default(5_000),
  WEIR_DAGS_PAUSED_AT_CREATION: bool.default(true),
  WEIR_WORKER_CONCURRENCY: positiveInt.default(16),
  WEIR_WORKER_QUEUES: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(
          z.string().regex(/^[A-Za-z0-9_.-]+$/, { message: 'must be a comma-separated list of queue names' }),
        )
        .min(1),
    )
    .default(['default']),
  WEIR_WORKER_SHUTDOWN_GRACE_MS: positiveInt.default(30_000),
  WEIR_XCOM_MAX_BYTES: positiveInt.default(1_048_576),
  WEIR_MAX_MAP_LENGTH: positiveInt.default(1024),
  WEIR_MAPPED_QUEUE_WINDOW: positiveInt.default(512),
  WEIR_HEARTBEAT_MS: positiveInt.default(5_000),
  WEIR_EXECUTOR: z.enum(['process', 'in-loop'], { message: 'must be process or in-loop' }).default('process'),
  WEIR_TASK_MAX_MEMORY_MB: positiveInt.optional(),
  WEIR_ZOMBIE_THRESHOLD_MS: positiveInt.default(30_000),
  WEIR_TASK_QUEUED_TIMEOUT_MS: positiveInt.default(600_000),
});

export type Env = z.infer<typeof envSchema>;

/** Where to reach each service and how Weir behaves, after parsing and defaults. */
export interface WeirConfig {
  readonly databaseUrl: string | undefined;
  readonly redisUrl: string | undefined;
  readonly home: string;
  readonly dagsFolder: string;
  readonly queuePrefix: string;
  readonly eventBus: {
    /** WEIR_EVENT_BUS_URL; unset: the same Redis as the task queue (REDIS_URL, or the one found). */
    readonly url: string | undefined;
    /** Streams the events are spread over by a hash of user_id; change it only on a drained bus. */
    readonly partitions: number;
  };
  readonly lakeUrl: string | undefined;
  readonly warehouseUrl: string | undefined;
  readonly s3: {
    readonly endpoint: string | undefined;
    readonly region: string;
    readonly accessKeyId: string | undefined;
    readonly secretAccessKey: string | undefined;
    readonly forcePathStyle: boolean;
  };
  readonly slack: {
    readonly token: string | undefined;
    readonly channel: string;
    readonly apiUrl: string | undefined;
  };
  readonly pagerduty: { readonly routingKey: string | undefined; readonly eventsUrl: string };
  readonly email: {
    readonly smtpUrl: string | undefined;
    readonly from: string;
    readonly to: readonly string[];
  };
  readonly alerts: {
    /** WEIR_ALERTS_FILE; unset: alerts.yaml in the working directory when it exists. */
    readonly file: string | undefined;
    /** The UI's address, for links in alert messages. */
    readonly baseUrl: string;
    /** No scheduler heartbeat (or a queue with waiting tasks and no worker) this long: Weir is unhealthy. */
    readonly unhealthyAfterMs: number;
    /** A delivery still failing after this long is marked failed. */
    readonly deliveryMaxAgeMs: number;
  };
  readonly secretKey: string | undefined;
  readonly web: { readonly host: string; readonly port: number };
  readonly logLevel: Env['WEIR_LOG_LEVEL'];
  readonly connectTimeoutMs: number;
  readonly scheduler: {
    readonly tickMs: number;
    readonly zombieThresholdMs: number;
    readonly queuedTimeoutMs: number;
  };
  readonly dagProcessor: {
    readonly importTimeoutMs: number;
    readonly pollMs: number;
    /** New DAGs start paused unless their file says otherwise (Airflow's dags_are_paused_at_creation). */
    readonly pausedAtCreation: boolean;
  };
  /** How often a process validating events (the collector) loads newly registered schema versions. */
  readonly schemaRefreshMs: number;
  /** Most instances one mapped task may expand to. */
  readonly maxMapLength: number;
  /** Most instances of one mapped task queued in Redis at once; the rest take freed slots. */
  readonly mappedQueueWindow: number;
  readonly worker: {
    readonly concurrency: number;
    readonly queues: readonly string[];
    readonly shutdownGraceMs: number;
    readonly xcomMaxBytes: number;
    readonly heartbeatMs: number;
    /** Where task code runs: an executor process per slot, or (trusted code only) the worker's loop. */
    readonly executor: 'process' | 'in-loop';
    /** V8 heap limit of each executor process; unset: Node's default. */
    readonly taskMaxMemoryMb: number | undefined;
  };
}

/** Raised when an environment variable has a bad value. Its message is one line a user can act on. */
export class ConfigError extends Error {
  readonly code = 'WEIR_CONFIG_INVALID';
  constructor(
    readonly variable: string,
    readonly problem: string,
  ) {
    super(`invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

/**
 * The secret key, for components that cannot run without it: a scheduler, worker or web server
 * started on its own. Only `weir standalone` generates one (every process it starts shares it);
 * a worker on another host with a key of its own could decrypt nothing.
 */
export function requireSecretKey(config: WeirConfig, component: string): string {
  if (config.secretKey) return config.secretKey;
  throw new ConfigError(
    'WEIR_SECRET_KEY',
    `is not set, and the ${component} needs it (it encrypts and decrypts connections): ${HOW_TO_SET_KEY}; only \`weir standalone\` generates one`,
  );
}

/** Parses the environment. Empty strings count as unset, as in most twelve-factor tools. */
export function parseConfig(env: Readonly<Record<string, string | undefined>>): WeirConfig {
  const present: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') present[key] = value.trim();
  }
  const result = envSchema.safeParse(present);
  if (!result.success) {
    const issue = result.error.issues[0];
    const variable = String(issue?.path[0] ?? 'environment');
    const got = present[variable];
    const shown = got === undefined || isSecret(variable) ? '' : ` (got "${redactUrl(got)}")`;
    throw new ConfigError(variable, `${issue?.message ?? 'is invalid'}${shown}`);
  }
  const e = result.data;
  return {
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    home: e.WEIR_HOME,
    dagsFolder: e.WEIR_DAGS_FOLDER,
    queuePrefix: e.WEIR_QUEUE_PREFIX,
    eventBus: { url: e.WEIR_EVENT_BUS_URL, partitions: e.WEIR_EVENT_PARTITIONS },
    lakeUrl: e.WEIR_LAKE_URL,
    warehouseUrl: e.WEIR_WAREHOUSE_URL,
    s3: {
      endpoint: e.S3_ENDPOINT,
      region: e.S3_REGION,
      accessKeyId: e.S3_ACCESS_KEY_ID,
      secretAccessKey: e.S3_SECRET_ACCESS_KEY,
      forcePathStyle: e.S3_FORCE_PATH_STYLE,
    },
    slack: { token: e.SLACK_TOKEN, channel: e.SLACK_CHANNEL, apiUrl: e.SLACK_API_URL },
    pagerduty: { routingKey: e.PAGERDUTY_ROUTING_KEY, eventsUrl: e.PAGERDUTY_EVENTS_URL },
    email: { smtpUrl: e.SMTP_URL, from: e.ALERT_EMAIL_FROM, to: e.ALERT_EMAIL_TO ?? [] },
    alerts: {
      file: e.WEIR_ALERTS_FILE,
      baseUrl: e.WEIR_BASE_URL,
      unhealthyAfterMs: e.WEIR_UNHEALTHY_AFTER_MS,
      deliveryMaxAgeMs: e.WEIR_ALERT_DELIVERY_MAX_AGE,
    },
    secretKey: e.WEIR_SECRET_KEY,
    web: { host: e.WEIR_WEB_HOST, port: e.WEIR_WEB_PORT },
    logLevel: e.WEIR_LOG_LEVEL,
    connectTimeoutMs: e.WEIR_CONNECT_TIMEOUT_MS,
    scheduler: {
      tickMs: e.WEIR_SCHEDULER_TICK_MS,
      zombieThresholdMs: e.WEIR_ZOMBIE_THRESHOLD_MS,
      queuedTimeoutMs: e.WEIR_TASK_QUEUED_TIMEOUT_MS,
    },
    dagProcessor: {
      importTimeoutMs: e.WEIR_DAG_IMPORT_TIMEOUT_MS,
      pollMs: e.WEIR_DAG_POLL_MS,
      pausedAtCreation: e.WEIR_DAGS_PAUSED_AT_CREATION,
    },
    schemaRefreshMs: e.WEIR_SCHEMA_REFRESH_MS,
    maxMapLength: e.WEIR_MAX_MAP_LENGTH,
    mappedQueueWindow: e.WEIR_MAPPED_QUEUE_WINDOW,
    worker: {
      concurrency: e.WEIR_WORKER_CONCURRENCY,
      queues: e.WEIR_WORKER_QUEUES,
      shutdownGraceMs: e.WEIR_WORKER_SHUTDOWN_GRACE_MS,
      xcomMaxBytes: e.WEIR_XCOM_MAX_BYTES,
      heartbeatMs: e.WEIR_HEARTBEAT_MS,
      executor: e.WEIR_EXECUTOR,
      taskMaxMemoryMb: e.WEIR_TASK_MAX_MEMORY_MB,
    },
  };
}

const SECRET_NAMES = /KEY|TOKEN|SECRET|PASSWORD/;

function isSecret(variable: string): boolean {
  return SECRET_NAMES.test(variable);
}

/** Hides the password of a URL so error messages and logs never show credentials. */
export function redactUrl(value: string): string {
  try {
    const parsed = new URL(value);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return value;
  }
}
