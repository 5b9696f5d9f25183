import type { ConnectorLogger } from '../contract.js';
import { mapConcurrently } from '../shared/map-concurrently.js';
import type { DataRobotClient } from './client.js';
import { versionProject, type ProjectRef } from './unconfirmed.js';
import type { RawDeployment, RawLeaderboardModel, RawModelVersion } from './wire.js';

/** Leaderboard model reads in flight at once within one page of versions (as MLflow's per-run reads). */
export const LEADERBOARD_CONCURRENCY = 4;
/** Leaderboard models remembered per listing: versions sharing one are listed close together (same registered model). */
const LEADERBOARD_CACHE_LIMIT = 1_000;

/** What a version's Leaderboard model tells: its project (lineage) and the model with its scores, each null when unknown. */
export interface LeaderboardLink {
  project: ProjectRef | null;
  model: RawLeaderboardModel | null;
}

const NO_LINK: LeaderboardLink = { project: null, model: null };

/**
 * The Leaderboard model behind each version of a listing, for its scores (`GET /projects/{projectId}/models/{modelId}/`).
 *
 * A version names its Leaderboard model (`modelId`) but, as far as the reference confirms, not its project, which the
 * route needs. The project comes from the version itself where a server sends it (unconfirmed fields, see
 * {@link versionProject}), else from a deployment of that Leaderboard model (`model.id` → `model.projectId`, confirmed
 * by the recorded deployments). Those are indexed once per listing, the first time a page of versions needs them: one
 * extra pass over `/deployments/` (a handful of pages), because DataRobot lists versions before deployments. A version
 * whose project is known neither way keeps no metrics.
 *
 * Each (project, model) is read once per listing. A read that fails (404 for a deleted project, 403, a server that
 * keeps failing) costs only that version's metrics: it is logged (ids and status, never the vendor's words, which may
 * quote a credential) and the listing goes on.
 *
 * One instance per listing. Memory: the deployments' Leaderboard-model → project pairs and up to
 * {@link LEADERBOARD_CACHE_LIMIT} Leaderboard models.
 */
export class LeaderboardReader {
  private projectsByModelId: Map<string, ProjectRef> | null = null;
  private readonly models = new Map<string, RawLeaderboardModel | null>();

  constructor(
    private readonly client: DataRobotClient,
    private readonly logger?: ConnectorLogger,
  ) {}

  /** A lookup of each version's link for this page of versions; a version without a `modelId` or project has none. */
  async linksFor(versions: readonly RawModelVersion[], signal: AbortSignal): Promise<(raw: RawModelVersion) => LeaderboardLink> {
    const projects = new Map<RawModelVersion, { project: ProjectRef; key: string }>();
    const found = new Map<string, RawLeaderboardModel | null>();
    const wanted = new Map<string, { projectId: string; modelId: string }>();
    for (const raw of versions) {
      const modelId = raw && typeof raw === 'object' ? textOf(raw.modelId) : null;
      if (modelId === null) continue;
      const project = versionProject(raw) ?? (await this.deploymentProjects(signal)).get(modelId) ?? null;
      if (project === null) continue;
      const key = cacheKey(project.projectId, modelId);
      projects.set(raw, { project, key });
      if (this.models.has(key)) found.set(key, this.models.get(key) ?? null);
      else wanted.set(key, { projectId: project.projectId, modelId });
    }
    const pending = [...wanted.entries()];
    const read = await mapConcurrently(pending, LEADERBOARD_CONCURRENCY, signal, ([, ref], taskSignal) => this.read(ref.projectId, ref.modelId, taskSignal));
    if (this.models.size + pending.length > LEADERBOARD_CACHE_LIMIT) this.models.clear();
    pending.forEach(([key], index) => {
      found.set(key, read[index]);
      this.models.set(key, read[index]);
    });
    return (raw) => {
      const link = projects.get(raw);
      return link ? { project: link.project, model: found.get(link.key) ?? null } : NO_LINK;
    };
  }

  private async read(projectId: string, modelId: string, signal: AbortSignal): Promise<RawLeaderboardModel | null> {
    try {
      return await this.client.leaderboardModel(projectId, modelId, signal);
    } catch (error) {
      if (signal.aborted) throw error;
      const status = typeof (error as { status?: unknown }).status === 'number' ? (error as { status: number }).status : null;
      this.logger?.warn(
        { vendor: 'datarobot', source: this.client.label, projectId, modelId, status, error: error instanceof Error ? error.name : 'unknown' },
        'DataRobot Leaderboard model could not be read; its versions are listed without metrics',
      );
      return null;
    }
  }

  /** Leaderboard model id → project, from every deployment's `model` (read once per listing, on first need). */
  private async deploymentProjects(signal: AbortSignal): Promise<Map<string, ProjectRef>> {
    if (this.projectsByModelId) return this.projectsByModelId;
    const index = new Map<string, ProjectRef>();
    for await (const page of this.client.pages<RawDeployment>('deployments/', 'deployments/projects', signal)) {
      for (const raw of page) {
        const model = raw && typeof raw === 'object' ? raw.model : null;
        const modelId = textOf(model?.id);
        const projectId = textOf(model?.projectId);
        if (modelId !== null && projectId !== null) index.set(modelId, { projectId, projectName: textOf(model?.projectName) });
      }
    }
    this.projectsByModelId = index;
    return index;
  }
}

function cacheKey(projectId: string, modelId: string): string {
  return `${projectId}/${modelId}`;
}

function textOf(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}
