import { pino, type Logger } from 'pino';

/**
 * Paths pino removes from every log line. Secrets are redacted by configuration, not by luck: any field with one
 * of these names, at the top level or one level down, never reaches the output.
 */
export const REDACT_PATHS = [
  'secret', '*.secret', 'password', '*.password', 'token', '*.token', 'apiKey', '*.apiKey', 'apiToken', '*.apiToken',
  'secretAccessKey', '*.secretAccessKey', 'sessionToken', '*.sessionToken', 'authorization', '*.authorization',
  'headers.authorization', 'req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers["x-domino-api-key"]',
  'key', '*.key', 'plaintextKey',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    { level, base: { service: 'modelops-hub' }, redact: { paths: REDACT_PATHS, censor: '[REDACTED]' }, timestamp: pino.stdTimeFunctions.isoTime },
    destination as never,
  );
}

export type { Logger };
