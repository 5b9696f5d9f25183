/**
 * The embedded database's folder lock on a real file system: held while its process runs, taken over when its holder
 * died (or its pid now belongs to another process), kept when it cannot be judged.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataFolderInUseError, lockDataFolder, processStartTime } from '../../../src/db/data-folder-lock.js';

const dir = mkdtempSync(join(tmpdir(), 'hub-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const lockPath = () => join(dir, `pgdata-${++n}.lock`);
const holderFile = (path: string, holder: Record<string, unknown>) =>
  writeFileSync(path, JSON.stringify({ hostname: hostname(), command: 'start', since: '2026-01-01T00:00:00.000Z', processStart: null, ...holder }));

describe('data folder lock', () => {
  it('should refuse a second holder while the first holds it, naming the holder, and free it on release', () => {
    const path = lockPath();
    const first = lockDataFolder(path);

    expect(() => lockDataFolder(path)).toThrow(DataFolderInUseError);
    expect(() => lockDataFolder(path)).toThrow(`in use by process ${process.pid}`);

    first.release();
    expect(existsSync(path)).toBe(false);
    lockDataFolder(path).release();
  });

  it('should take over a lock whose process has exited', () => {
    const path = lockPath();
    const exited = spawnSync(process.execPath, ['-e', 'process.pid']).pid!;
    holderFile(path, { pid: exited });

    const lock = lockDataFolder(path);

    expect(JSON.parse(readFileSync(path, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it.runIf(processStartTime(process.pid) !== null)('should take over a lock whose pid now belongs to a process started later', () => {
    const path = lockPath();
    holderFile(path, { pid: process.pid, processStart: '1' });

    const lock = lockDataFolder(path);

    expect(JSON.parse(readFileSync(path, 'utf8')).processStart).toBe(processStartTime(process.pid));
    lock.release();
  });

  it('should keep a lock it cannot judge (unreadable, or held on another host) and say how to remove it', () => {
    const garbled = lockPath();
    writeFileSync(garbled, 'not json');
    const remote = lockPath();
    holderFile(remote, { pid: 1, hostname: 'another-host' });

    expect(() => lockDataFolder(garbled)).toThrow(`remove ${garbled}`);
    expect(() => lockDataFolder(remote)).toThrow('on another-host');
    expect(readFileSync(garbled, 'utf8')).toBe('not json');
  });

  it('should release only its own lock', () => {
    const path = lockPath();
    const lock = lockDataFolder(path);
    holderFile(path, { pid: 1, hostname: 'another-host' });

    lock.release();

    expect(existsSync(path)).toBe(true);
  });
});
