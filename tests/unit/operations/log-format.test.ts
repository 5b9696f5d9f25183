import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config.js';
import { createLogger, textLines } from '../../../src/logger.js';

/** The text log format: what a person sees on a terminal instead of pino's JSON lines. */
function textLogger() {
  const lines: string[] = [];
  const logger = createLogger('info', textLines({ write: (chunk: string) => lines.push(chunk) } as unknown as NodeJS.WritableStream));
  return { logger, lines };
}

describe('text log lines', () => {
  it('should print time, level, message and the fields of an entry on one readable line', () => {
    const { logger, lines } = textLogger();

    logger.info({ folder: '/data/hub data/pgdata', pending: 4 }, 'applying database migrations');

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d INFO  applying database migrations {2}folder="\/data\/hub data\/pgdata" pending=4\n$/);
  });

  it('should keep redaction: a secret field is printed redacted', () => {
    const { logger, lines } = textLogger();

    logger.warn({ source: { secret: 'hunter2', name: 'mlflow' } }, 'source check failed');

    expect(lines[0]).toContain('WARN');
    expect(lines[0]).not.toContain('hunter2');
    expect(lines[0]).toContain('[REDACTED]');
  });

  it('should print an error with its message, and its stack below at error level', () => {
    const { logger, lines } = textLogger();

    logger.error({ err: new Error('database is gone') }, 'job failed');

    expect(lines[0]).toMatch(/ERROR job failed {2}err="database is gone"\nError: database is gone\n\s+at /);
  });
});

describe('LOG_FORMAT', () => {
  it('should be decided by the terminal when unset, and refuse anything but json or text', () => {
    expect(parseConfig({}).log.format).toBeNull();
    expect(parseConfig({ LOG_FORMAT: 'json' }).log.format).toBe('json');
    expect(() => parseConfig({ LOG_FORMAT: 'pretty' })).toThrow(/LOG_FORMAT/);
  });
});
