// Owns how Weir's processes log: pino, one JSON line per event, at WEIR_LOG_LEVEL. Secrets never
// go in log fields (URLs are logged through redactUrl).
import { pino } from 'pino';

export type Logger = pino.Logger;

export function createLogger(component: string, level = process.env.WEIR_LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name: component,
    level,
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['*.password', '*.token', '*.secret', 'password', 'token', 'secret'], censor: '***' },
  });
}
