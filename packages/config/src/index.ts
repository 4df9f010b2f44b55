export {
  ConfigError,
  type Env,
  envSchema,
  parseConfig,
  redactUrl,
  requireSecretKey,
  SECRET_KEY_PLACEHOLDER,
  type WeirConfig,
} from './config.ts';
export { loadConfig } from './load.ts';
export { createLogger, type Logger } from './logger.ts';
export { type ConfigEntry, describeConfig, maskConfigValue } from './describe.ts';
export { durationString, urlString } from './schemas.ts';
