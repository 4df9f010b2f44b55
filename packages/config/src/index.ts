export { ConfigError, envSchema, parseConfig, redactUrl, type Env, type WeirConfig } from './config.ts';
export { loadConfig } from './load.ts';
