import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { ConflictError } from '../errors.js';

/**
 * One process at a time on an embedded database folder. PGlite has no lock of its own: a second process on the same
 * folder works on its own copy in memory (a key created beside a running hub never works there, its audit event is
 * lost) and the two can corrupt the folder. The lock is a file beside the folder, created exclusively, naming its
 * holder by pid and the process's start time, so a lock left by a crash (its pid dead, or reused by another
 * process since) is recognised as stale and taken over.
 */
export interface LockHolder {
  pid: number;
  /** The kernel's start time of the process (Linux); null where it cannot be read, then only liveness is checked. */
  processStart: string | null;
  hostname: string;
  /** The command line after `hub`, to tell the user which process holds the folder. */
  command: string;
  since: string;
}

export interface DataFolderLock {
  readonly path: string;
  release(): void;
}

export function lockDataFolder(path: string): DataFolderLock {
  const mine: LockHolder = {
    pid: process.pid,
    processStart: processStartTime(process.pid),
    hostname: hostname(),
    command: process.argv.slice(2).join(' ').slice(0, 120),
    since: new Date().toISOString(),
  };
  const content = JSON.stringify(mine);
  // A few rounds: each lost round means another process took or freed the lock in between.
  for (let round = 0; round < 5; round++) {
    if (tryCreate(path, content)) {
      const release = () => {
        process.removeListener('exit', release);
        releaseIfMine(path, content);
      };
      // A process that exits without closing the database (a fatal error) leaves no lock behind either.
      process.once('exit', release);
      return { path, release };
    }
    const found = readHolder(path);
    if (found === null) continue; // released meanwhile
    if (isRunning(found.holder)) throw new DataFolderInUseError(path, found.holder);
    removeIfUnchanged(path, found.raw);
  }
  throw new Error(`could not lock ${path}: other processes keep taking and releasing it`);
}

export class DataFolderInUseError extends ConflictError {
  constructor(readonly lockPath: string, readonly holder: LockHolder | null) {
    const who = holder
      ? `process ${holder.pid}${holder.hostname !== hostname() ? ` on ${holder.hostname}` : ''} ("hub ${holder.command}", since ${holder.since})`
      : 'another process';
    super(
      `The embedded database is in use by ${who}; one process at a time can open it. ` +
        `Stop that process first, or do this through its API (e.g. createApiKey with an ADMIN key). ` +
        `If no such process runs any more, remove ${lockPath}.`,
      'DATA_FOLDER_IN_USE',
    );
  }
}

/** Writes the whole content first, then links it into place: the lock never exists half written. */
function tryCreate(path: string, content: string): boolean {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(temp, content, { mode: 0o600 });
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(temp);
  }
}

function readHolder(path: string): { raw: string; holder: LockHolder | null } | null {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const parsed = JSON.parse(raw) as LockHolder;
    return { raw, holder: Number.isInteger(parsed.pid) ? parsed : null };
  } catch {
    return { raw, holder: null };
  }
}

/** A holder counts as running unless we can tell it is not: a lock we cannot read, or from another host, is kept. */
function isRunning(holder: LockHolder | null): boolean {
  if (!holder || holder.hostname !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  // The pid is alive; after a crash and a reboot it may belong to another process now.
  const start = processStartTime(holder.pid);
  return start === null || holder.processStart === null || start === holder.processStart;
}

/**
 * Takes a stale lock away only if it is still the one judged stale: it is moved aside first (atomic), and put back
 * when another process replaced it in the meantime.
 */
function removeIfUnchanged(path: string, staleRaw: string): void {
  const aside = `${path}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    if (readFileSync(aside, 'utf8') !== staleRaw) linkSync(aside, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(aside);
  }
}

function releaseIfMine(path: string, content: string): void {
  try {
    if (readFileSync(path, 'utf8') === content) unlinkSync(path);
  } catch {
    // already gone
  }
}

/** The start time of a process in clock ticks since boot (field 22 of /proc/<pid>/stat); null off Linux. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing parenthesis.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}
