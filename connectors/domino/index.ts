import {
  AuthenticationError,
  ConnectorError,
  MalformedResponseError,
  VendorNotFoundError,
  emptyBatch,
  type ConnectionCheck,
  type Connector,
  type ConnectorDeps,
  type LifecycleWriteBack,
  type NormalisedBatch,
  type WriteBackOutcome,
} from '../contract.js';
import { DominoClient } from './client.js';
import { dominoSecretSchema, dominoSettingsSchema, type DominoSecret, type DominoSettingsInput } from './config.js';
import {
  activeVersionId,
  inlineActiveVersion,
  modelApiId,
  modelApiVersionId,
  normaliseModelApi,
  normaliseRegisteredModel,
  normaliseRegisteredVersion,
  registeredModelName,
  registeredVersionLabel,
  type NormaliseContext,
} from './normalise.js';
import { offsetPages } from './paging.js';
import { compileEnvironmentRule, type EnvironmentClassifier } from '../shared/environment.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './unconfirmed.js';

export { dominoSecretSchema, dominoSettingsSchema, type DominoSecret, type DominoSettings, type DominoSettingsInput } from './config.js';

/** Items re-read per page so deletions between page requests do not make offset paging skip survivors. */
const PAGE_OVERLAP = 3;

/**
 * Builds the connector for one Domino source. Settings and secret are validated here too (the registry validates
 * them before storing); a bad value throws a non-retryable ConnectorError that never echoes the secret.
 */
export function createDominoConnector(settings: DominoSettingsInput, secret: DominoSecret, deps: ConnectorDeps = {}): Connector {
  const parsedSettings = dominoSettingsSchema.safeParse(settings);
  if (!parsedSettings.success) throw new ConnectorError(`Domino source settings are invalid: ${parsedSettings.error.issues.map((i) => i.message).join('; ')}`, 'domino', null, false);
  const parsedSecret = dominoSecretSchema.safeParse(secret);
  if (!parsedSecret.success) throw new ConnectorError('Domino source secret is invalid: give exactly one of apiKey or token', 'domino', null, false);
  return new DominoConnector(parsedSettings.data.host.replace(/\/+$/, ''), parsedSecret.data, compileEnvironmentRule(parsedSettings.data.environmentRule), deps);
}

/**
 * Domino: registered models and their versions (the registry), then Model APIs (deployments), each linked to the
 * registered version its active version was built from.
 */
class DominoConnector implements Connector {
  readonly vendor = 'domino' as const;
  private readonly client: DominoClient;
  private readonly checkClient: DominoClient;
  private readonly label: string;
  private readonly ctx: NormaliseContext;
  private readonly pageSize: number;

  constructor(
    private readonly host: string,
    secret: DominoSecret,
    classifyEnvironment: EnvironmentClassifier,
    private readonly deps: ConnectorDeps,
  ) {
    this.label = `Domino at ${host}`;
    this.ctx = { host, classifyEnvironment };
    this.pageSize = Math.max(1, Math.min(deps.pageSize ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE));
    this.client = new DominoClient(host, secret, this.label, deps);
    // A connection check should answer in seconds, not after a full retry budget.
    this.checkClient = new DominoClient(host, secret, this.label, { ...deps, retry: { ...deps.retry, attempts: Math.min(2, deps.retry?.attempts ?? 2) } });
  }

  async *list(signal: AbortSignal): AsyncGenerator<NormalisedBatch> {
    yield* this.listRegistry(signal);
    yield* this.listModelApis(signal);
  }

  /** One batch per vendor page: each model arrives with its first page of versions; a model without versions alone. */
  private async *listRegistry(signal: AbortSignal): AsyncGenerator<NormalisedBatch> {
    const models = offsetPages((offset, limit) => this.client.registeredModels(offset, limit, signal), {
      limit: this.pageSize,
      overlap: PAGE_OVERLAP,
      pagedRoute: true,
      key: registeredModelName,
    });
    for await (const page of models) {
      for (const raw of page) {
        const model = normaliseRegisteredModel(raw, this.ctx);
        if (!model.ok) {
          yield { ...emptyBatch(), errors: [model.error] };
          continue;
        }
        yield* this.listVersions(model.record.externalId, model.record, signal);
      }
    }
  }

  private async *listVersions(modelName: string, model: NormalisedBatch['models'][number], signal: AbortSignal): AsyncGenerator<NormalisedBatch> {
    let vanished = false;
    const pages = offsetPages(
      async (offset, limit) => {
        const page = await this.client.registeredModelVersions(modelName, offset, limit, signal);
        if (page === null) vanished = true;
        return page;
      },
      // Versions are paged only when their envelope says so (their route's paging is undocumented).
      { limit: this.pageSize, overlap: PAGE_OVERLAP, pagedRoute: false, key: registeredVersionLabel },
    );
    let modelSent = false;
    for await (const page of pages) {
      const batch = emptyBatch();
      if (!modelSent) batch.models.push(model);
      modelSent = true;
      for (const raw of page) {
        const version = normaliseRegisteredVersion(raw, modelName, this.ctx);
        if (version.ok) batch.versions.push(version.record);
        else batch.errors.push(version.error);
      }
      yield batch;
    }
    if (modelSent) return;
    if (vanished) {
      this.deps.logger?.info({ vendor: 'domino', model: modelName }, 'registered model vanished during the listing; skipped');
      return;
    }
    yield { ...emptyBatch(), models: [model] };
  }

  /** One batch per Model API page, each API linked through its active version's registry source. */
  private async *listModelApis(signal: AbortSignal): AsyncGenerator<NormalisedBatch> {
    const apis = offsetPages((offset, limit) => this.client.modelApis(offset, limit, signal), {
      limit: this.pageSize,
      overlap: PAGE_OVERLAP,
      pagedRoute: true,
      key: modelApiId,
    });
    for await (const page of apis) {
      const batch = emptyBatch();
      for (const api of page) {
        const id = modelApiId(api);
        const active = id === null ? null : await this.activeVersion(id, api, signal);
        if (active === 'gone') {
          this.deps.logger?.info({ vendor: 'domino', modelApiId: id }, 'Model API vanished during the listing; skipped');
          continue;
        }
        const deployment = normaliseModelApi(api, active, this.ctx);
        if (deployment.ok) batch.deployments.push(deployment.record);
        else batch.errors.push(deployment.error);
      }
      yield batch;
    }
  }

  /** The ModelApiVersion the API serves: inline when it carries its source, else found in the API's versions. */
  private async activeVersion(id: string, api: unknown, signal: AbortSignal): Promise<Record<string, unknown> | null | 'gone'> {
    const inline = inlineActiveVersion(api);
    if (inline) return inline;
    const wanted = activeVersionId(api);
    if (wanted === null) return null;
    let vanished = false;
    const pages = offsetPages(
      async (offset, limit) => {
        const page = await this.client.modelApiVersions(id, offset, limit, signal);
        if (page === null) vanished = true;
        return page;
      },
      { limit: this.pageSize, overlap: PAGE_OVERLAP, pagedRoute: false, key: modelApiVersionId },
    );
    for await (const page of pages) {
      const match = page.find((version) => modelApiVersionId(version) === wanted);
      if (match) return match as Record<string, unknown>;
    }
    return vanished ? 'gone' : null;
  }

  async check(signal: AbortSignal): Promise<ConnectionCheck> {
    try {
      const page = await this.checkClient.registeredModels(0, 1, signal);
      return {
        ok: true,
        message: `Connected to ${this.label}: the model registry answered and the credentials were accepted.`,
        details: { host: this.host, ...(page.totalCount !== null ? { registeredModels: String(page.totalCount) } : {}) },
      };
    } catch (error) {
      if (signal.aborted) throw error;
      return { ok: false, message: checkFailureMessage(error, this.label) };
    }
  }

  /**
   * Domino's documented API offers no way to record a governed state: the registry's stage representation and the
   * body of `PATCH /api/registeredmodels/v1/{name}` are `unconfirmed`, and the Model API stop/archive routes
   * (which could carry RETIRED) are `unconfirmed` too, with DELETE "unreliable in the field" per Domino's own doc.
   * Writing to guessed routes could change the wrong thing at a customer's vendor, so every transition is reported
   * as UNSUPPORTED; the hub still records the governed state.
   */
  async applyLifecycle(change: LifecycleWriteBack, _signal: AbortSignal): Promise<WriteBackOutcome> {
    const reason =
      change.toState === 'RETIRED'
        ? 'archiving a Model API has no documented Domino route'
        : 'Domino documents no API to set a registered model version stage';
    return {
      status: 'UNSUPPORTED',
      message: `Not written to Domino: ${reason}. ${change.versionExternalId} is ${change.toState} in the hub only.`,
    };
  }
}

/** The failure in words an IT operator acts on. */
function checkFailureMessage(error: unknown, label: string): string {
  if (error instanceof AuthenticationError) {
    return `${label} rejected the credentials (${error.status}). Check the API key or token, and that its user can read the model registry.`;
  }
  if (error instanceof VendorNotFoundError) {
    return `${label} has no model registry API (/api/registeredmodels/v2 answered 404). Check that the host is the Domino URL, without a path.`;
  }
  if (error instanceof MalformedResponseError) {
    return `${label} answered, but not like Domino's API (the reply was not the expected JSON). Check that the host is the Domino URL.`;
  }
  if (error instanceof ConnectorError && error.status === null) {
    return `Could not reach ${label}: ${error.message.replace(`${label}: `, '')}. Check the host URL, DNS and network access.`;
  }
  if (error instanceof ConnectorError) return `${label} failed the check: ${error.message}`;
  return `${label} could not be checked: ${(error as Error)?.message ?? String(error)}`;
}
