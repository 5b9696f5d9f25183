import {
  AuthenticationError,
  ConnectorError,
  MalformedResponseError,
  VendorNotFoundError,
  WRITE_BACK_RETRY,
  emptyBatch,
  type ConnectionCheck,
  type Connector,
  type ConnectorDeps,
  type LifecycleWriteBack,
  type NormalisedBatch,
  type WriteBackOutcome,
} from '../contract.js';
import { DataRobotClient } from './client.js';
import { dataRobotSecretSchema, dataRobotSettingsSchema, uiBaseFromEndpoint, type DataRobotSecret, type DataRobotSettingsInput } from './config.js';
import { LeaderboardReader } from './leaderboard.js';
import { applyDataRobotLifecycle } from './lifecycle.js';
import { compileEnvironmentRule } from '../shared/environment.js';
import {
  legacyModelIdOf,
  normaliseDeployment,
  normaliseEach,
  normaliseModelVersion,
  normaliseRegisteredModel,
  type NormaliseContext,
} from './normalise.js';
import type { DataRobotPage, RawDeployment, RawModelVersion, RawRegisteredModel } from './wire.js';

export { dataRobotSecretSchema, dataRobotSettingsSchema } from './config.js';
export type { DataRobotSecret, DataRobotSettings, DataRobotSettingsInput } from './config.js';

/** Leaderboard-model → package links remembered while listing deployments of an older server. */
const LEGACY_LINK_CACHE_LIMIT = 1_000;

/**
 * A connector for one DataRobot source. It lists registered models (page by page, each followed by its
 * versions, with their Leaderboard scores where the project is known: see {@link LeaderboardReader}) and then
 * deployments; pages are fetched only as the consumer pulls batches.
 */
export function createDataRobotConnector(settings: DataRobotSettingsInput, secret: DataRobotSecret, deps: ConnectorDeps = {}): Connector {
  const parsedSettings = dataRobotSettingsSchema.parse(settings);
  const parsedSecret = dataRobotSecretSchema.parse(secret);
  const client = new DataRobotClient(parsedSettings, parsedSecret, deps);
  // A connection test should answer quickly; one retry covers a blip without making the operator wait.
  const checkClient = new DataRobotClient(parsedSettings, parsedSecret, { ...deps, retry: { ...deps.retry, attempts: 2 } });
  // Write-backs send each request once: the hub's outbox retries them (WRITE_BACK_RETRY).
  const writeBackClient = new DataRobotClient(parsedSettings, parsedSecret, { ...deps, retry: { ...deps.retry, ...WRITE_BACK_RETRY } });
  const ctx: NormaliseContext = { uiBase: uiBaseFromEndpoint(parsedSettings.endpoint), classifyEnvironment: compileEnvironmentRule(parsedSettings.environmentRule) };
  const endpoint = parsedSettings.endpoint;

  async function* versionsOf(registeredModelId: string, leaderboard: LeaderboardReader, signal: AbortSignal): AsyncGenerator<NormalisedBatch> {
    try {
      const path = `registeredModels/${encodeURIComponent(registeredModelId)}/versions/`;
      for await (const page of client.pages<RawModelVersion>(path, 'registered-models/versions', signal)) {
        const linkOf = await leaderboard.linksFor(page, signal);
        const versions = normaliseEach(page, 'version', (raw) => {
          const link = linkOf(raw);
          return normaliseModelVersion(raw, registeredModelId, ctx, link.model, link.project);
        });
        if (versions.records.length + versions.errors.length > 0) yield { ...emptyBatch(), versions: versions.records, errors: versions.errors };
      }
    } catch (error) {
      // The registered model was deleted after its page was read: it has no versions to report any more.
      if (!(error instanceof VendorNotFoundError)) throw error;
      deps.logger?.debug({ vendor: 'datarobot', registeredModelId }, 'registered model vanished during listing; skipped');
    }
  }

  async function legacyVersionIds(page: RawDeployment[], cache: Map<string, string | null>, signal: AbortSignal): Promise<Map<string, string | null>> {
    for (const raw of page) {
      const modelId = raw && typeof raw === 'object' ? legacyModelIdOf(raw) : null;
      if (modelId === null || cache.has(modelId)) continue;
      if (cache.size >= LEGACY_LINK_CACHE_LIMIT) cache.clear();
      try {
        cache.set(modelId, await client.packageIdForLeaderboardModel(modelId, signal));
      } catch (error) {
        if (!(error instanceof VendorNotFoundError)) throw error;
        cache.set(modelId, null);
      }
    }
    return cache;
  }

  return {
    vendor: 'datarobot',

    async *list(signal: AbortSignal): AsyncIterable<NormalisedBatch> {
      const leaderboard = new LeaderboardReader(client, deps.logger);
      for await (const page of client.pages<RawRegisteredModel>('registeredModels/', 'registered-models/list', signal)) {
        const models = normaliseEach(page, 'model', (raw) => normaliseRegisteredModel(raw, ctx));
        yield { ...emptyBatch(), models: models.records, errors: models.errors };
        for (const model of models.records) yield* versionsOf(model.externalId, leaderboard, signal);
      }
      const legacyLinks = new Map<string, string | null>();
      for await (const page of client.pages<RawDeployment>('deployments/', 'deployments/list', signal)) {
        await legacyVersionIds(page, legacyLinks, signal);
        const deployments = normaliseEach(page, 'deployment', (raw) => {
          const legacyModelId = legacyModelIdOf(raw);
          return normaliseDeployment(raw, ctx, legacyModelId === null ? null : (legacyLinks.get(legacyModelId) ?? null));
        });
        yield { ...emptyBatch(), deployments: deployments.records, errors: deployments.errors };
      }
    },

    async check(signal: AbortSignal): Promise<ConnectionCheck> {
      try {
        const page = await checkClient.getJson<DataRobotPage<unknown>>('registeredModels/', 'check', signal, { offset: 0, limit: 1 });
        if (!page || !Array.isArray(page.data)) {
          return { ok: false, message: `${endpoint} answered, but not like the DataRobot API. The endpoint should be the API root ending in /api/v2.` };
        }
        const count = page.totalCount ?? page.count;
        return {
          ok: true,
          message: `Connected to DataRobot at ${endpoint}; the API token can read the model registry.`,
          details: typeof count === 'number' ? { registeredModels: String(count) } : {},
        };
      } catch (error) {
        if (signal.aborted) throw error;
        return { ok: false, message: explainCheckFailure(error, endpoint) };
      }
    },

    applyLifecycle(change: LifecycleWriteBack, signal: AbortSignal): Promise<WriteBackOutcome> {
      return applyDataRobotLifecycle(writeBackClient, change, ctx.classifyEnvironment, signal);
    },
  };
}

function explainCheckFailure(error: unknown, endpoint: string): string {
  if (error instanceof AuthenticationError) {
    return error.status === 403
      ? `DataRobot at ${endpoint} accepted the API token but refused access to the model registry (403). Give the token's user access to registered models and deployments.`
      : `DataRobot at ${endpoint} rejected the API token (${error.status ?? 401}). Create a new API key in DataRobot and update the source's secret.`;
  }
  if (error instanceof VendorNotFoundError) {
    return `There is no DataRobot API at ${endpoint} (404). The endpoint should be the API root, e.g. https://app.datarobot.com/api/v2.`;
  }
  if (error instanceof MalformedResponseError) {
    return `${endpoint} answered with something that is not the DataRobot API (${error.message}). Check the endpoint URL.`;
  }
  if (error instanceof ConnectorError && error.status === null) {
    return `Could not reach DataRobot at ${endpoint}: ${error.message}. Check the URL and that this server can reach it.`;
  }
  if (error instanceof ConnectorError) {
    return `DataRobot at ${endpoint} is not answering normally (${error.status}): ${error.message}`;
  }
  return `Checking DataRobot at ${endpoint} failed: ${error instanceof Error ? error.message : String(error)}`;
}
