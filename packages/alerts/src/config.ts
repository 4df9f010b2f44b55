// Owns alerts.yaml: finding it, reading it, replacing `${VAR}`s from the environment, and checking
// it (channels, routes naming them, durations), or, with no file, building the channels and the
// default route from the SLACK_*, PAGERDUTY_* and SMTP_* variables. A bad file stops with one
// line naming the file and the key; secret values never appear in a message.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { durationString, urlString, type WeirConfig } from '@weir/config';
import { parseDocument } from 'yaml';
import { type core, z } from 'zod';
import { type AlertsConfig, type ChannelConfig, ROUTE_KEYS, type Route, type RouteKey } from './types.ts';

export const DEFAULT_ALERTS_FILE = 'alerts.yaml';
const DEFAULT_GROUP_WAIT_MS = 30_000;
const DEFAULT_REPEAT_INTERVAL_MS = 4 * 3_600_000;

/** A bad alerts file. `message` is one line: `alerts.yaml: channels.data-slack.token: required`. */
export class AlertsConfigError extends Error {
  readonly code = 'WEIR_ALERTS_CONFIG_INVALID';
  constructor(
    /** The file as configured (or `alerts.yaml`). */
    readonly file: string,
    /** `channels.data-slack.token`, `routes.default.onFailure[1]`; undefined for the whole file. */
    readonly keyPath: string | undefined,
    readonly problem: string,
  ) {
    super(`${file}: ${keyPath ? `${keyPath}: ` : ''}${problem}`);
    this.name = 'AlertsConfigError';
  }
}

type Path = readonly PropertyKey[];

// ───────────────────────────── the file's schema ─────────────────────────────

const duration = durationString("must be a duration like '30s', '5m', '4h' or '250ms'");
// Never the value in a message: a URL may hold a password.
const urlOf = (protocols: readonly string[]) => urlString(protocols);

const text = z.string().trim().min(1, { error: 'must not be empty' });
const address = z.email({ error: 'must be an email address' });
const name = z.string().regex(/^[A-Za-z0-9_.-]+$/, { error: 'may contain only letters, digits, _ . -' });

const CHANNEL_KEYS = {
  slack: ['type', 'channel', 'token', 'apiUrl'],
  pagerduty: ['type', 'routingKey', 'url'],
  email: ['type', 'to', 'from', 'smtpUrl'],
} as const;

const channelSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('slack'),
    channel: text,
    token: text,
    apiUrl: urlOf(['http:', 'https:']).optional(),
  }),
  z.strictObject({
    type: z.literal('pagerduty'),
    routingKey: text,
    url: urlOf(['http:', 'https:']).optional(),
  }),
  z.strictObject({
    type: z.literal('email'),
    to: z.union([address.transform((a) => [a]), z.array(address).min(1, { error: 'must list an address' })]),
    from: address.optional(),
    smtpUrl: urlOf(['smtp:', 'smtps:']).optional(),
  }),
]);

const routeSchema = z.strictObject(
  Object.fromEntries(ROUTE_KEYS.map((key) => [key, z.array(z.string()).optional()])) as Record<
    RouteKey,
    z.ZodOptional<z.ZodArray<z.ZodString>>
  >,
);

const TOP_KEYS = ['groupWait', 'repeatInterval', 'channels', 'routes'] as const;

const fileSchema = z.strictObject({
  groupWait: duration.optional(),
  repeatInterval: duration.refine((ms) => ms > 0, { error: 'must be longer than 0' }).optional(),
  channels: z.record(name, channelSchema).optional(),
  routes: z.record(name, routeSchema).optional(),
});

// ───────────────────────────── loading ─────────────────────────────

export interface LoadAlertsConfigOptions {
  /** Where `alerts.yaml` is looked for and a relative WEIR_ALERTS_FILE is resolved. Default process.cwd(). */
  readonly cwd?: string;
  /** For `${VAR}`s in the file. Default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The alerts configuration: WEIR_ALERTS_FILE, else alerts.yaml in `cwd` when it exists, else the
 * channels the environment variables describe. Throws AlertsConfigError for a bad file.
 */
export function loadAlertsConfig(config: WeirConfig, options: LoadAlertsConfigOptions = {}): AlertsConfig {
  const cwd = options.cwd ?? process.cwd();
  const configured = config.alerts.file;
  const shown = configured ?? DEFAULT_ALERTS_FILE;
  const path = resolve(cwd, shown);
  if (configured === undefined && !existsSync(path)) return fromEnvironment(config);
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder' : (code ?? 'unreadable');
    throw new AlertsConfigError(shown, undefined, `cannot read it: ${why} (WEIR_ALERTS_FILE names it)`);
  }
  return parseAlertsConfig(source, config, { file: shown, path, env: options.env ?? process.env });
}

/** Parses and checks the text of an alerts file; `file` names it in errors. */
export function parseAlertsConfig(
  source: string,
  config: WeirConfig,
  options: { file: string; path?: string; env?: Readonly<Record<string, string | undefined>> },
): AlertsConfig {
  const { file } = options;
  const env = options.env ?? process.env;
  const fail = (path: Path | undefined, problem: string): never => {
    throw new AlertsConfigError(file, path && path.length > 0 ? keyPath(path) : undefined, problem);
  };

  const written = readYaml(source, file) ?? {};
  const raw = substituteAll(written, [], env, fail);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    fail(undefined, `must be a mapping with ${TOP_KEYS.join(', ')}`);

  const parsed = fileSchema.safeParse(raw, { error: requiredMessage });
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as core.$ZodIssue;
    const { path, problem } = describeIssue(issue, raw);
    return fail(path, problem);
  }
  const data = parsed.data;

  const channels: Record<string, ChannelConfig> = {};
  for (const [channelName, channel] of Object.entries(data.channels ?? {})) {
    switch (channel.type) {
      case 'slack':
        channels[channelName] = {
          type: 'slack',
          channel: channel.channel,
          token: channel.token,
          ...((channel.apiUrl ?? config.slack.apiUrl)
            ? { apiUrl: channel.apiUrl ?? config.slack.apiUrl }
            : {}),
        };
        break;
      case 'pagerduty':
        channels[channelName] = {
          type: 'pagerduty',
          routingKey: channel.routingKey,
          url: channel.url ?? config.pagerduty.eventsUrl,
        };
        break;
      case 'email': {
        const smtpUrl = channel.smtpUrl ?? config.email.smtpUrl;
        if (!smtpUrl) fail(['channels', channelName, 'smtpUrl'], 'required: set it here or set SMTP_URL');
        channels[channelName] = {
          type: 'email',
          to: channel.to,
          from: channel.from ?? config.email.from,
          smtpUrl: smtpUrl as string,
        };
        break;
      }
      default: {
        const never: never = channel;
        fail(['channels', channelName, 'type'], `unknown channel type ${String(never)}`);
      }
    }
  }

  const routes: Record<string, Route> = {};
  for (const [routeName, route] of Object.entries(data.routes ?? {})) {
    const checked: Partial<Record<RouteKey, readonly string[]>> = {};
    for (const key of ROUTE_KEYS) {
      const names = route[key];
      if (names === undefined) continue;
      names.forEach((channelName, index) => {
        if (!(channelName in channels))
          fail(
            ['routes', routeName, key, index],
            // As written: a name made from a ${VAR} could be anything.
            `unknown channel "${String(valueAt(written, ['routes', routeName, key, index]))}" (${knownChannels(channels)})`,
          );
      });
      checked[key] = [...new Set(names)];
    }
    routes[routeName] = checked;
  }
  routes.default ??= {};

  return {
    source: { kind: 'file', path: options.path ?? resolve(file) },
    channels,
    routes,
    groupWaitMs: data.groupWait ?? DEFAULT_GROUP_WAIT_MS,
    repeatIntervalMs: data.repeatInterval ?? DEFAULT_REPEAT_INTERVAL_MS,
  };
}

/** No alerts file: a channel per service the environment configures, all on the default route. */
function fromEnvironment(config: WeirConfig): AlertsConfig {
  const channels: Record<string, ChannelConfig> = {};
  if (config.slack.token)
    channels.slack = {
      type: 'slack',
      channel: config.slack.channel,
      token: config.slack.token,
      ...(config.slack.apiUrl ? { apiUrl: config.slack.apiUrl } : {}),
    };
  if (config.pagerduty.routingKey)
    channels.pagerduty = {
      type: 'pagerduty',
      routingKey: config.pagerduty.routingKey,
      url: config.pagerduty.eventsUrl,
    };
  if (config.email.smtpUrl && config.email.to.length > 0)
    channels.email = {
      type: 'email',
      to: config.email.to,
      from: config.email.from,
      smtpUrl: config.email.smtpUrl,
    };
  const names = Object.keys(channels);
  const route: Route = {};
  // Retries are noise by default: a route must ask for them.
  if (names.length > 0) for (const key of ROUTE_KEYS) if (key !== 'onRetry') route[key] = names;
  return {
    source: { kind: 'env' },
    channels,
    routes: { default: route },
    groupWaitMs: DEFAULT_GROUP_WAIT_MS,
    repeatIntervalMs: DEFAULT_REPEAT_INTERVAL_MS,
  };
}

// ───────────────────────────── YAML and ${VAR} ─────────────────────────────

function readYaml(source: string, file: string): unknown {
  const doc = parseDocument(source, { prettyErrors: true, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const at = error.linePos?.[0];
    // The first line only, and nothing after a ': ': the rest quotes the file, which may hold a secret.
    const reason = (error.message.split('\n')[0] ?? '')
      .replace(/ at line \d+, column \d+:?\s*$/, '')
      .replace(/: .*$/, '');
    throw new AlertsConfigError(
      file,
      undefined,
      `${at ? `line ${at.line}, column ${at.col}: ` : ''}invalid YAML: ${reason || error.code}`,
    );
  }
  return doc.toJS({ maxAliasCount: 100 }) as unknown;
}

/** Replaces `${NAME}` in every string value (`$${` is a literal `${`). */
function substituteAll(
  value: unknown,
  path: Path,
  env: Readonly<Record<string, string | undefined>>,
  fail: (path: Path, problem: string) => never,
): unknown {
  if (typeof value === 'string') return substitute(value, path, env, fail);
  if (Array.isArray(value)) return value.map((item, i) => substituteAll(item, [...path, i], env, fail));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, substituteAll(item, [...path, key], env, fail)]),
    );
  return value;
}

function substitute(
  text: string,
  path: Path,
  env: Readonly<Record<string, string | undefined>>,
  fail: (path: Path, problem: string) => never,
): string {
  return text.replace(/\$(\$?)\{([^}]*)(\}?)/g, (match, escaped: string, variable: string, close: string) => {
    if (escaped) return match.slice(1);
    if (!close || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable))
      return fail(path, `a variable must be written $\{NAME} (letters, digits and _)`);
    const replacement = env[variable];
    if (replacement === undefined || replacement === '')
      return fail(path, `environment variable ${variable} is not set`);
    return replacement;
  });
}

// ───────────────────────────── messages ─────────────────────────────

function requiredMessage(issue: core.$ZodRawIssue): string | undefined {
  return issue.code === 'invalid_type' && issue.input === undefined ? 'required' : undefined;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
  number: 'a number',
};

function describeIssue(issue: core.$ZodIssue, raw: unknown): { path: Path; problem: string } {
  const path = issue.path;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const key = issue.keys[0] ?? '';
      return { path: [...path, key], problem: `unknown key (${allowedKeys(path, raw)})` };
    }
    case 'invalid_union':
      if ('discriminator' in issue || path[path.length - 1] === 'type') {
        const got = valueAt(raw, path);
        return {
          path,
          problem: `${got === undefined ? 'required: ' : 'must be '}${Object.keys(CHANNEL_KEYS).join(', ')}`,
        };
      }
      return { path, problem: issue.message };
    case 'invalid_key':
      return { path, problem: 'not a valid name: use letters, digits, _ . -' };
    case 'invalid_type':
      return {
        path,
        // zod's own wording starts "Invalid input"; a schema's own message (a duration's) says more.
        problem: issue.message.startsWith('Invalid input')
          ? `must be ${TYPE_WORDS[issue.expected] ?? issue.expected}`
          : issue.message,
      };
    default:
      return { path, problem: issue.message };
  }
}

function allowedKeys(path: Path, raw: unknown): string {
  if (path.length === 0) return `the file has ${TOP_KEYS.join(', ')}`;
  if (path.length === 2 && path[0] === 'routes') return `a route has ${ROUTE_KEYS.join(', ')}`;
  if (path.length === 2 && path[0] === 'channels') {
    const type = (valueAt(raw, path) as { type?: unknown } | undefined)?.type;
    const keys = CHANNEL_KEYS[type as keyof typeof CHANNEL_KEYS];
    if (keys) return `a ${String(type)} channel has ${keys.join(', ')}`;
  }
  return 'not expected here';
}

function valueAt(raw: unknown, path: Path): unknown {
  let value = raw;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** channels.data-slack.token, routes.default.onFailure[1] */
export function keyPath(path: Path): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

function knownChannels(channels: Record<string, ChannelConfig>): string {
  const names = Object.keys(channels);
  return names.length > 0 ? `channels: ${names.join(', ')}` : 'no channels are configured';
}
