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

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** Fields every line has, or that the text layout shows by itself. */
const LAYOUT_FIELDS = new Set(['level', 'time', 'msg', 'service', 'pid', 'hostname']);

/**
 * A destination that prints pino's lines for a person at a terminal: `18:02:11 INFO  message  key=value …`, the
 * stack of an error below its line. Redaction has happened before (pino formats, then writes here), so what
 * this prints is what the JSON would carry.
 */
export function textLines(out: NodeJS.WritableStream): NodeJS.WritableStream {
  return {
    write(line: string) {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return out.write(line);
      }
      const time = typeof entry.time === 'string' ? new Date(entry.time).toTimeString().slice(0, 8) : '';
      const level = (LEVEL_NAMES[entry.level as number] ?? String(entry.level)).padEnd(5);
      const fields = Object.entries(entry)
        .filter(([key]) => !LAYOUT_FIELDS.has(key))
        .map(([key, value]) => `${key}=${formatValue(value)}`);
      const stack = entry.level as number >= 50 && typeof (entry.err as { stack?: unknown })?.stack === 'string' ? `\n${(entry.err as { stack: string }).stack}` : '';
      return out.write(`${time} ${level} ${String(entry.msg ?? '')}${fields.length > 0 ? `  ${fields.join(' ')}` : ''}${stack}\n`);
    },
  } as unknown as NodeJS.WritableStream;
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /[\s"=]/.test(value) || value === '' ? JSON.stringify(value) : value;
  if (value && typeof value === 'object' && typeof (value as { message?: unknown }).message === 'string') return JSON.stringify((value as { message: string }).message);
  return JSON.stringify(value);
}

export type { Logger };
