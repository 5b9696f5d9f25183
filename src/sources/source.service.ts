import { randomUUID } from 'node:crypto';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Connector, ConnectorDeps, Vendor } from '../../connectors/contract.js';
import { vendorModule } from '../../connectors/registry/index.js';
import type { Principal } from '../auth/principal.js';
import { isSealed, resolveStoredSecret, SecretUnavailableError, storeSecret, type SecretBox, type SecretInput } from '../auth/secret-box.js';
import type { Db, Tx } from '../db/client.js';
import { sources, type SourceRow } from '../db/schema/index.js';
import { isUniqueViolation, queryRows } from '../db/sql.js';
import { ConflictError, InputError, NotFoundError, type FieldProblem } from '../errors.js';
import { canonicalJson } from '../canonical-json.js';
import type { AuditRecorder } from '../audit/audit-recorder.js';
import type { Logger } from '../logger.js';
import { checkMaxDeleteShare, checkName, credentialProblems, checkSchedule, checkSecret, checkSettings, checkVendor, zodProblems } from './source-validation.js';
import { CREDENTIAL_REQUIRED, credentialDestinationChanges, credentialRequiredProblems } from './credential-destination.js';
import { buildConnector, splitConnectorDeps, type ConnectorRecipe } from './source-connector.js';
import { scheduleOf, type SourceSchedule, type SyncScheduler } from './source-schedule.js';
import { toSourceRecord, type SourceRecord } from './source-record.js';
import { checkSourceUrl, type Resolver, type UrlPolicy } from './url-policy.js';

export interface SourceServiceDeps {
  db: Db;
  /** null when HUB_SECRET_KEY is not set: literal secrets are refused, `env:NAME` references still work. */
  secrets: SecretBox | null;
  scheduler: SyncScheduler;
  audit: AuditRecorder;
  logger: Logger;
  urlPolicy: UrlPolicy;
  /** DNS resolution for the URL policy (tests substitute one). */
  resolveHost?: Resolver;
  /** Where `env:NAME` secrets are read (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** How long testSourceConnection waits for the vendor. */
  checkTimeoutMs?: number;
}

/** A source's connector, with the recipe it was built from. */
export interface LoadedConnector {
  source: SourceRow;
  connector: Connector;
  recipe: ConnectorRecipe;
}

export const DEFAULT_SCHEDULE_SECONDS = 3600;

export interface CreateSourceInput {
  vendor: string;
  name: string;
  /** Non-secret settings, validated by the vendor's schema and stored as given. */
  settings: Record<string, unknown>;
  /** The secret object, an `env:NAME` / `{ "$env": NAME }` reference, or null/absent for none. */
  secret?: SecretInput | null;
  scheduleSeconds?: number;
  enabled?: boolean;
  maxDeleteShare?: number | null;
}

/** Fields to change; absent fields stay. `settings` replaces the whole object; `secret: null` removes the secret. */
export interface UpdateSourceInput {
  name?: string;
  settings?: Record<string, unknown>;
  secret?: SecretInput | null;
  scheduleSeconds?: number;
  enabled?: boolean;
  maxDeleteShare?: number | null;
}

export interface SourceChange {
  source: SourceRecord;
  /** Field names that changed (`secret` included when it did); empty when the update was a no-op. */
  changedFields: string[];
}

export interface ConnectionVerdict {
  ok: boolean;
  message: string;
  details: Record<string, string>;
}

/** Who made a change and in which request, for the audit event. */
export interface ChangeContext {
  actor: Principal;
  requestId?: string | null;
}

type SecretState = 'set' | 'changed' | 'removed';
const AUDITED_FIELDS = ['vendor', 'name', 'settings', 'scheduleSeconds', 'enabled', 'maxDeleteShare'] as const;

function audited(row: SourceRow, fields: readonly string[] = AUDITED_FIELDS): Record<string, unknown> {
  return Object.fromEntries(fields.filter((f) => f !== 'secret').map((f) => [f, row[f as keyof SourceRow]]));
}

/**
 * Connector configuration: the sources IT operations add, change, disable and delete. Validates against the vendor's
 * own schemas, keeps secrets encrypted (never returned, logged or put in job data), audits every change in the same
 * transaction, and keeps the job layer's schedules in step.
 */
export class SourceService {
  constructor(private readonly deps: SourceServiceDeps) {}

  async createSource(input: CreateSourceInput, ctx: ChangeContext): Promise<SourceRecord> {
    const vendorCheck = checkVendor(input.vendor);
    if ('path' in vendorCheck) throw new InputError('Invalid source', [vendorCheck, ...checkName(input.name), ...checkSchedule(input.scheduleSeconds ?? DEFAULT_SCHEDULE_SECONDS)]);
    const { module } = vendorCheck;
    const problems = [
      ...checkName(input.name),
      ...(await checkSettings(module, input.settings, this.deps.urlPolicy, this.deps.resolveHost)),
      ...checkSecret(module, input.secret, false),
      ...checkSchedule(input.scheduleSeconds ?? DEFAULT_SCHEDULE_SECONDS),
      ...checkMaxDeleteShare(input.maxDeleteShare),
    ];
    if (problems.length) throw new InputError('Invalid source', problems);

    const id = randomUUID();
    const secretCiphertext = input.secret === undefined || input.secret === null ? null : this.store(input.secret, id);
    const row = await this.withUniqueName(input.name, () =>
      this.deps.db.transaction(async (tx) => {
        const [created] = await tx
          .insert(sources)
          .values({
            id,
            vendor: module.vendor,
            name: input.name,
            settings: input.settings,
            secretCiphertext,
            secretUpdatedAt: secretCiphertext ? new Date() : null,
            scheduleSeconds: input.scheduleSeconds ?? DEFAULT_SCHEDULE_SECONDS,
            enabled: input.enabled ?? true,
            maxDeleteShare: input.maxDeleteShare ?? null,
          })
          .returning();
        await this.audit(tx, ctx, 'source.created', id, null, { ...audited(created), ...(secretCiphertext ? { secret: 'set' } : {}) });
        return created;
      }),
    );
    this.deps.logger.info({ sourceId: row.id, vendor: row.vendor, actor: ctx.actor.id }, 'source created');
    await this.syncSchedule(row);
    return toSourceRecord(row);
  }

  async updateSource(id: string, input: UpdateSourceInput, ctx: ChangeContext): Promise<SourceChange> {
    const current = await this.getLiveSource(id);
    const module = vendorModule(current.vendor as Vendor);
    const problems: FieldProblem[] = [
      ...(input.name !== undefined ? checkName(input.name) : []),
      ...(input.settings !== undefined ? await checkSettings(module, input.settings, this.deps.urlPolicy, this.deps.resolveHost) : []),
      ...checkSecret(module, input.secret, current.secretCiphertext !== null),
      ...(input.scheduleSeconds !== undefined ? checkSchedule(input.scheduleSeconds) : []),
      ...checkMaxDeleteShare(input.maxDeleteShare),
      ...(input.enabled !== undefined && typeof input.enabled !== 'boolean' ? [{ path: 'enabled', message: 'must be true or false' }] : []),
    ];
    if (problems.length) throw new InputError('Invalid source', problems);

    const result = await this.withUniqueName(input.name ?? current.name, () =>
      this.deps.db.transaction(async (tx) => {
        const [locked] = await tx.select().from(sources).where(and(eq(sources.id, id), isNull(sources.deletedAt))).for('update');
        if (!locked) throw new NotFoundError(`Source ${id} not found`);
        const moved = input.settings !== undefined ? credentialDestinationChanges(module, locked.settings, input.settings) : [];
        if (moved.length > 0 && locked.secretCiphertext !== null && input.secret === undefined) {
          this.deps.logger.warn({ sourceId: id, fields: moved, actor: ctx.actor.id }, 'source update refused: it would send the stored credential elsewhere');
          throw new InputError(`Changing ${moved.join(', ')} changes where the source's credential is sent; give the secret in the same update`, credentialRequiredProblems(moved), CREDENTIAL_REQUIRED);
        }
        const patch: Partial<SourceRow> = {};
        for (const field of ['name', 'settings', 'scheduleSeconds', 'enabled', 'maxDeleteShare'] as const) {
          const next = input[field];
          if (next !== undefined && canonicalJson(next) !== canonicalJson(locked[field])) (patch as Record<string, unknown>)[field] = next;
        }
        const secretState = this.secretChange(locked, input.secret);
        if (secretState) {
          patch.secretCiphertext = secretState === 'removed' ? null : this.store(input.secret!, id);
          patch.secretUpdatedAt = secretState === 'removed' ? null : new Date();
        }
        const changedFields = Object.keys(patch).filter((f) => f !== 'secretCiphertext' && f !== 'secretUpdatedAt');
        if (secretState) changedFields.push('secret');
        if (changedFields.length === 0) return { source: locked, changedFields };
        const [updated] = await tx.update(sources).set(patch).where(eq(sources.id, id)).returning();
        const fields = changedFields.filter((f) => f !== 'secret');
        await this.audit(tx, ctx, 'source.updated', id, { ...audited(locked, fields), ...(secretState && secretState !== 'set' ? { secret: 'set' } : {}) }, {
          ...audited(updated, fields),
          ...(secretState ? { secret: secretState } : {}),
        });
        if (moved.length > 0 && (locked.secretCiphertext !== null || input.secret)) {
          // Its own event, so an auditor finds every credential move without reading each settings change.
          const destination = (row: SourceRow) => Object.fromEntries(moved.map((path) => [path, row.settings[path.slice('settings.'.length)] ?? null]));
          await this.audit(tx, ctx, 'source.credential_destination_changed', id, destination(locked), { ...destination(updated), secret: secretState ?? 'resupplied' });
        }
        return { source: updated, changedFields };
      }),
    );
    if (result.changedFields.length) {
      this.deps.logger.info({ sourceId: id, changedFields: result.changedFields, actor: ctx.actor.id }, 'source updated');
      if (result.changedFields.some((f) => f === 'enabled' || f === 'scheduleSeconds')) await this.syncSchedule(result.source);
    }
    return { source: toSourceRecord(result.source), changedFields: result.changedFields };
  }

  async setSourceEnabled(id: string, enabled: boolean, ctx: ChangeContext): Promise<SourceRecord> {
    return (await this.updateSource(id, { enabled }, ctx)).source;
  }

  /**
   * Soft delete: the source disappears from listings and schedules, its inventory stays as tombstoned history (each
   * record gets `deleted_at` and a DELETED change row), its secret is erased, and its name becomes free again.
   */
  async deleteSource(id: string, ctx: ChangeContext): Promise<{ source: SourceRecord; tombstoned: number }> {
    const result = await this.deps.db.transaction(async (tx) => {
      const [locked] = await tx.select().from(sources).where(and(eq(sources.id, id), isNull(sources.deletedAt))).for('update');
      if (!locked) throw new NotFoundError(`Source ${id} not found`);
      let tombstoned = 0;
      for (const [table, kind] of [['deployments', 'deployment'], ['model_versions', 'version'], ['models', 'model']] as const) {
        const [{ count }] = await queryRows<{ count: number }>(
          tx,
          sql`with gone as (
                update ${sql.identifier(table)} set deleted_at = now() where source_id = ${id} and deleted_at is null returning id, external_id
              ), logged as (
                insert into inventory_changes (source_id, entity_kind, entity_id, external_id, change)
                select ${id}::uuid, ${kind}, gone.id, gone.external_id, 'DELETED' from gone returning 1
              )
              select count(*)::int as count from logged`,
        );
        tombstoned += count;
      }
      const [deleted] = await tx
        .update(sources)
        .set({ deletedAt: new Date(), enabled: false, secretCiphertext: null, secretUpdatedAt: null })
        .where(eq(sources.id, id))
        .returning();
      await this.audit(tx, ctx, 'source.deleted', id, audited(locked), { deletedAt: deleted.deletedAt, tombstoned, ...(locked.secretCiphertext ? { secret: 'removed' } : {}) });
      return { source: deleted, tombstoned };
    });
    this.deps.logger.info({ sourceId: id, tombstoned: result.tombstoned, actor: ctx.actor.id }, 'source deleted');
    await this.callScheduler('unschedule', () => this.deps.scheduler.unschedule(id, result.source.vendor as Vendor), id);
    return { source: toSourceRecord(result.source), tombstoned: result.tombstoned };
  }

  /**
   * Runs the connector's `check()` against the vendor, bounded by a timeout. Never throws for a vendor-side or
   * configuration problem (bad secret, unreachable host): the verdict says what is wrong in words.
   */
  async testSourceConnection(id: string): Promise<ConnectionVerdict> {
    const timeoutMs = this.deps.checkTimeoutMs ?? 15_000;
    let loaded: LoadedConnector;
    try {
      loaded = await this.loadConnector(id, { timeoutMs, retry: { attempts: 1 } });
    } catch (error) {
      if (error instanceof NotFoundError) throw error;
      return { ok: false, message: `The source cannot be used: ${describe(error)}`, details: {} };
    }
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<ConnectionVerdict>((resolve) => {
      timer = setTimeout(() => {
        controller.abort();
        resolve({ ok: false, message: `${vendorModule(loaded.source.vendor as Vendor).label} did not answer within ${Math.round(timeoutMs / 1000)} s`, details: {} });
      }, timeoutMs);
    });
    try {
      const check = loaded.connector.check(controller.signal).then((c) => ({ ok: c.ok, message: c.message, details: c.details ?? {} }));
      return await Promise.race([check, timeout]);
    } catch (error) {
      return { ok: false, message: `The connection check failed: ${describe(error)}`, details: {} };
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Builds the source's connector with its secret decrypted in memory only (for the sync engine and the write-back
   * worker). Re-checks settings and the URL policy, since both may have changed since the source was saved.
   */
  async loadConnector(sourceId: string, deps: ConnectorDeps): Promise<LoadedConnector> {
    const source = await this.getLiveSource(sourceId);
    const module = vendorModule(source.vendor as Vendor);
    const settings = module.settingsSchema.safeParse(source.settings);
    if (!settings.success) throw new InputError(`The settings of source "${source.name}" are no longer valid`, zodProblems(settings.error, 'settings'));
    for (const key of module.urlSettings) {
      const value = source.settings[key];
      if (value === undefined || value === null) continue;
      const refusal = await checkSourceUrl(value, this.deps.urlPolicy, this.deps.resolveHost);
      if (refusal) throw new InputError(`Source "${source.name}" points at a URL the policy refuses`, [{ path: `settings.${key}`, message: refusal }]);
    }
    const raw = source.secretCiphertext ? resolveStoredSecret(this.deps.secrets, source.secretCiphertext, source.id, this.deps.env) : null;
    const secret = module.secretSchema.safeParse(raw);
    // Only paths and rules, never values: the issues describe a secret.
    if (!secret.success) throw new InputError(`The secret of source "${source.name}" does not fit ${module.label}`, zodProblems(secret.error, 'secret'));
    const unsafe = credentialProblems(secret.data);
    if (unsafe.length) throw new InputError(`The secret of source "${source.name}" cannot be sent in a header`, unsafe);
    const { options, hooks } = splitConnectorDeps(deps);
    const recipe: ConnectorRecipe = {
      vendor: module.vendor,
      settings: settings.data,
      secret: secret.data,
      storedSecret: raw,
      // The check above judged the addresses the URL resolves to now; the connector judges the ones it connects to.
      options: { ...options, blockPrivateAddresses: !this.deps.urlPolicy.allowPrivate },
    };
    return { source, connector: buildConnector(recipe, hooks), recipe };
  }

  /** Schedules of enabled, live sources: registered by workers at start. */
  async listSchedules(): Promise<SourceSchedule[]> {
    const rows = await this.deps.db.select().from(sources).where(and(isNull(sources.deletedAt), eq(sources.enabled, true))).orderBy(asc(sources.name));
    return rows.map(scheduleOf);
  }

  /** A source's schedule as it is now (disabled or deleted: not enabled), or null when there is none. */
  async getSchedule(id: string): Promise<SourceSchedule | null> {
    const [row] = await this.deps.db.select().from(sources).where(eq(sources.id, id));
    return row ? scheduleOf(row) : null;
  }

  /** A live source, or null. */
  async getSource(id: string): Promise<SourceRecord | null> {
    const row = await this.findLiveRow(id);
    return row ? toSourceRecord(row) : null;
  }

  async getSourceByName(name: string): Promise<SourceRecord | null> {
    const [row] = await this.deps.db.select().from(sources).where(and(eq(sources.name, name), isNull(sources.deletedAt)));
    return row ? toSourceRecord(row) : null;
  }

  /** Live sources by name. */
  async listSources(): Promise<SourceRecord[]> {
    const rows = await this.deps.db.select().from(sources).where(isNull(sources.deletedAt)).orderBy(asc(sources.name), asc(sources.id));
    return rows.map(toSourceRecord);
  }

  private async findLiveRow(id: string): Promise<SourceRow | null> {
    const [row] = await this.deps.db.select().from(sources).where(and(eq(sources.id, id), isNull(sources.deletedAt)));
    return row ?? null;
  }

  private async getLiveSource(id: string): Promise<SourceRow> {
    const row = await this.findLiveRow(id);
    if (!row) throw new NotFoundError(`Source ${id} not found`);
    return row;
  }

  private store(secret: SecretInput, sourceId: string): string {
    try {
      return storeSecret(this.deps.secrets, secret, sourceId);
    } catch (error) {
      if (error instanceof SecretUnavailableError) throw new InputError('Invalid source', [{ path: 'secret', message: error.message }]);
      throw error;
    }
  }

  /**
   * How the secret changes. A literal secret equal to the stored one (decrypted here, in memory) is no change, so
   * re-applying the same configuration writes nothing.
   */
  private secretChange(current: SourceRow, next: SecretInput | null | undefined): SecretState | null {
    if (next === undefined) return null;
    const stored = current.secretCiphertext;
    if (next === null) return stored ? 'removed' : null;
    if (!stored) return 'set';
    const nextStored = typeof next === 'string' || '$env' in next ? this.store(next, current.id) : null;
    if (nextStored !== null) return nextStored === stored ? null : 'changed';
    if (!isSealed(stored) || !this.deps.secrets) return 'changed';
    try {
      return canonicalJson(this.deps.secrets.open(stored, current.id)) === canonicalJson(next) ? null : 'changed';
    } catch {
      return 'changed';
    }
  }

  private async withUniqueName<T>(name: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isUniqueViolation(error, 'sources_name_live_uq')) throw new ConflictError(`A source named "${name}" already exists`, 'SOURCE_NAME_TAKEN', { name });
      throw error;
    }
  }

  private async audit(tx: Tx, ctx: ChangeContext, action: string, id: string, before: Record<string, unknown> | null, after: Record<string, unknown> | null) {
    await this.deps.audit.record(tx, { actor: ctx.actor, action, entityKind: 'source', entityId: id, before, after, requestId: ctx.requestId ?? null });
  }

  private async syncSchedule(row: SourceRow): Promise<void> {
    const schedule = scheduleOf(row);
    await this.callScheduler('schedule', () => (schedule.enabled ? this.deps.scheduler.schedule(schedule) : this.deps.scheduler.unschedule(row.id, schedule.vendor)), row.id);
  }

  /**
   * The change is committed before the job layer hears of it. If the queue is unreachable the change stands and
   * workers reconcile schedules from `listSchedules()` when they start; the failure is logged, not thrown.
   */
  private async callScheduler(what: string, call: () => Promise<void>, sourceId: string): Promise<void> {
    try {
      await call();
    } catch (error) {
      this.deps.logger.error({ err: error, sourceId }, `could not ${what} the source's sync; workers reconcile schedules at start`);
    }
  }
}

function describe(error: unknown): string {
  if (error instanceof InputError && error.problems.length) return `${error.message} (${error.problems.map((p) => `${p.path}: ${p.message}`).join('; ')})`;
  return error instanceof Error ? error.message : String(error);
}
