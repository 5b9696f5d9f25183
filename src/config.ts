import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ROLES, type Role } from './auth/principal.js';

/**
 * The one validated configuration module. Only src/main/* imports it; everyone else receives values.
 * It parses the environment once, reports every problem by variable name, and yields one frozen object.
 * A disabled feature is `null`, never half-filled.
 */

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const emptyToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());
const booleanFlag = (fallback: boolean) =>
  z.preprocess(emptyToUndefined, z.enum(['true', 'false', '1', '0', 'yes', 'no']).optional()).transform((v) => (v === undefined ? fallback : ['true', '1', 'yes'].includes(v)));
const intInRange = (fallback: number, min: number, max: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int().min(min).max(max).optional()).transform((v) => v ?? fallback);

/** A 32-byte key, as 64 hex characters or base64. */
const secretKey = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .refine((v) => decodeKey(v) !== null, { message: 'expected 32 random bytes as 64 hex characters or base64 (e.g. `openssl rand -hex 32`)' })
    .optional(),
);

export function decodeKey(value: string): Buffer | null {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) {
    const buf = Buffer.from(value, 'base64');
    return buf.length === 32 ? buf : null;
  }
  return null;
}

/** Longest HUB_PUBLIC_URL: links to change requests are written into vendor fields with length limits. */
const MAX_PUBLIC_URL_LENGTH = 200;

/** An http(s) base URL without query or fragment, kept without its trailing slashes. */
const publicUrl = z.preprocess(
  emptyToUndefined,
  z
    .url({ protocol: /^https?$/, error: 'expected an http(s) URL, e.g. https://modelops.example.com' })
    .max(MAX_PUBLIC_URL_LENGTH, `at most ${MAX_PUBLIC_URL_LENGTH} characters (links to it are written into vendor fields)`)
    .refine((v) => !/[?#]/.test(v), 'expected a base URL without ? or #')
    .transform((v) => v.replace(/\/+$/, ''))
    .optional(),
);

const envSchema = z.object({
  DATABASE_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^postgres(ql)?$/, error: 'expected a postgres:// or postgresql:// URL' }).optional()),
  DATABASE_POOL_SIZE: intInRange(10, 1, 200),
  /** The table owner's URL for migrations; when set, `hub migrate` also creates and grants the runtime role. */
  DATABASE_MIGRATION_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^postgres(ql)?$/, error: 'expected a postgres:// or postgresql:// URL' }).optional()),
  /** The role DATABASE_URL connects as: owns nothing, cannot rewrite the audit trail (see src/db/runtime-role.ts). */
  HUB_DB_RUNTIME_ROLE: z
    .preprocess(emptyToUndefined, z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case PostgreSQL role name (letters, digits, _)').optional())
    .transform((v) => v ?? 'modelops_hub_runtime'),
  HUB_DB_RUNTIME_PASSWORD: optionalString,
  /** How often a worker replays the audit trail against the governed state (0: never on schedule). */
  HUB_STATE_REPLAY_EVERY_MINUTES: intInRange(60, 0, 7 * 24 * 60),
  HUB_DATA_DIR: z.preprocess(emptyToUndefined, z.string().optional()),
  REDIS_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^rediss?$/, error: 'expected a redis:// or rediss:// URL' }).optional()),
  /** Key prefix for BullMQ; hash-tagged so every key of the hub lands in one Redis Cluster slot. */
  HUB_QUEUE_PREFIX: z.preprocess(emptyToUndefined, z.string().regex(/^[A-Za-z0-9:_{}-]+$/, 'letters, digits, : _ - { } only').optional()).transform((v) => v ?? '{hub}'),
  PORT: intInRange(4000, 0, 65535),
  /** Where people reach this hub (the console at `/`): links to change requests written to vendors start with it. */
  HUB_PUBLIC_URL: publicUrl,
  /** A file of registered GraphQL operations; keys marked as BI service accounts may run only those. */
  HUB_TRUSTED_DOCUMENTS: z.preprocess(emptyToUndefined, z.string().optional()),
  /** Models pages that only project rows are rendered to JSON by PostgreSQL (false: the API process builds every answer). */
  HUB_GRAPHQL_DATABASE_RENDERING: booleanFlag(true),
  HOST: z.preprocess(emptyToUndefined, z.string().optional()).transform((v) => v ?? '127.0.0.1'),
  LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(LOG_LEVELS).optional()).transform((v) => v ?? 'info'),
  /** `json` (pino lines, for services and log shippers) or `text` (for a person); default: text on a terminal. */
  LOG_FORMAT: z.preprocess(emptyToUndefined, z.enum(['json', 'text']).optional()),
  HUB_SECRET_KEY: secretKey,
  /** The previous key during rotation: decrypts, never encrypts. */
  HUB_SECRET_KEY_PREVIOUS: secretKey,
  HUB_BOOTSTRAP_ADMIN_KEY: z.preprocess(emptyToUndefined, z.string().min(24, 'at least 24 characters').optional()),
  /** Emergency only: the bootstrap admin key works although an active ADMIN person exists (every use is audited). */
  HUB_BREAK_GLASS: booleanFlag(false),
  OIDC_JWKS_URL: z.preprocess(emptyToUndefined, z.url().optional()),
  OIDC_ISSUER: optionalString,
  OIDC_AUDIENCE: optionalString,
  OIDC_ROLES_CLAIM: z.preprocess(emptyToUndefined, z.string().optional()).transform((v) => v ?? 'groups'),
  /**
   * JSON map from an IdP group / claim value to hub roles, e.g. {"risk-team":"RISK_OFFICER","ml-validators":["VALIDATOR"]}.
   * Without it, only group names spelled exactly as a hub role grant that role.
   */
  OIDC_ROLE_MAP: z
    .preprocess(emptyToUndefined, z.string().optional())
    .transform((v, ctx) => {
      if (v === undefined) return null;
      try {
        const parsed = z.record(z.string().min(1), z.union([z.enum(ROLES), z.array(z.enum(ROLES)).min(1)])).parse(JSON.parse(v));
        return Object.fromEntries(Object.entries(parsed).map(([group, roles]) => [group, typeof roles === 'string' ? [roles] : roles]));
      } catch {
        ctx.addIssue({ code: 'custom', message: 'expected JSON like {"risk-team": "RISK_OFFICER", "ml-validators": ["VALIDATOR"]} with roles ' + ROLES.join(', ') });
        return z.NEVER;
      }
    }),
  /** Link a first SSO login to the person with the token's email, when the IdP says it verified it (email_verified). */
  OIDC_LINK_BY_EMAIL: booleanFlag(false),
  OIDC_CLOCK_SKEW_SECONDS: intInRange(60, 0, 600),
  /** The console's OAuth client at the IdP (a public client: authorization code with PKCE, no secret). */
  OIDC_CLIENT_ID: optionalString,
  /** The IdP's authorization and token endpoints; without them they are discovered from OIDC_ISSUER. */
  OIDC_AUTHORIZATION_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional()),
  OIDC_TOKEN_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional()),
  OIDC_SCOPES: z.preprocess(emptyToUndefined, z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/, 'space-separated scope names').optional()).transform((v) => v ?? 'openid profile email'),
  /** Serve /metrics without authentication (e.g. when the port is only reachable by Prometheus). */
  METRICS_PUBLIC: booleanFlag(false),
  /** A separate port for /metrics; when set, /metrics is served there only, without authentication. */
  METRICS_PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(65535).optional()),
  CHANGE_REQUEST_TTL_DAYS: intInRange(14, 1, 365),
  STALE_SOURCE_HOURS: intInRange(72, 1, 24 * 90),
  /** Default for sources without their own: the largest share a run may tombstone. */
  MAX_DELETE_SHARE: z.preprocess(emptyToUndefined, z.coerce.number().min(0).max(1).optional()).transform((v) => v ?? 0.5),
  /** May lower the schema's ceiling of 500 rows a page (graphql/relay/connection.args.ts), not raise it. */
  MAX_PAGE_SIZE: intInRange(500, 1, 500),
  MAX_QUERY_DEPTH: intInRange(12, 2, 50),
  MAX_QUERY_COST: intInRange(50_000, 100, 10_000_000),
  /** Allow source URLs on private/loopback addresses (on by default: vendors often run inside the network). */
  ALLOW_PRIVATE_SOURCE_URLS: booleanFlag(true),
  WORKER_CONCURRENCY: intInRange(4, 1, 64),
  /** How long a worker holds a job's lock between renewals; a killed worker's job moves to another after about this long. */
  WORKER_LOCK_MS: intInRange(30_000, 2_000, 600_000),
  /**
   * Threads that run vendor listings beside the main thread, which hashes and writes (0: list on the main thread).
   * Default: the cores beyond the first, at most 4.
   */
  /** The Ed25519 private key that signs audit checkpoints: PEM text, or the path of a PEM file. */
  HUB_AUDIT_SIGNING_KEY: optionalString,
  /** A signed checkpoint at least every this many audit events (checked by the maintenance job, every minute). */
  HUB_AUDIT_CHECKPOINT_EVERY_EVENTS: intInRange(1000, 1, 10_000_000),
  /** …and at least every this many minutes while new events arrive. */
  HUB_AUDIT_CHECKPOINT_EVERY_MINUTES: intInRange(15, 1, 24 * 60),
  /** Where the append-only JSON-lines copy of every checkpoint is written (default: <HUB_DATA_DIR>/audit-checkpoints). */
  HUB_AUDIT_CHECKPOINT_DIR: optionalString,
  /** Optional: every checkpoint is also POSTed here as JSON (retried; failures are logged, never fatal). */
  HUB_AUDIT_CHECKPOINT_WEBHOOK_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional()),
  SYNC_LISTING_THREADS: intInRange(Math.min(4, Math.max(0, availableParallelism() - 1)), 0, 64),
});

export type { Role };

export interface HubConfig {
  database: { kind: 'postgres'; url: string; poolSize: number } | { kind: 'pglite'; dataDir: string };
  /**
   * Least privilege (PostgreSQL only): migrations run on the owner's URL and grant the runtime role DATABASE_URL
   * connects as. null: migrations run on DATABASE_URL (its role owns the tables; the embedded default always).
   */
  databaseOwner: { migrationUrl: string; runtimeRole: { name: string; password: string | null } } | null;
  /** The scheduled replay of the audit trail against the governed state; null: only on demand. */
  stateReplay: { everyMs: number } | null;
  /** null: jobs run in-process. */
  redis: { url: string; prefix: string } | null;
  http: {
    port: number;
    host: string;
    maxPageSize: number;
    maxDepth: number;
    maxCost: number;
    /** Registered operations (HUB_TRUSTED_DOCUMENTS), absolute path; null: no registry, BI service-account keys refused. */
    trustedDocumentsPath: string | null;
    /** HUB_GRAPHQL_DATABASE_RENDERING: pure projections of the models page are rendered by PostgreSQL. */
    databaseRendering: boolean;
  };
  /** The hub's public base URL, without a trailing slash; null: no links are written to vendors. */
  publicUrl: string | null;
  metrics: { public: boolean; port: number | null };
  /** format null: text when stdout is a terminal, JSON otherwise (decided by the process, which knows its stdout). */
  log: { level: (typeof LOG_LEVELS)[number]; format: 'json' | 'text' | null };
  secrets: { key: Buffer | null; previousKey: Buffer | null };
  auth: {
    bootstrapAdminKey: string | null;
    /** HUB_BREAK_GLASS: the bootstrap key works even while an active ADMIN person exists. */
    breakGlass: boolean;
    oidc: { jwksUrl: string; issuer: string; audience: string; rolesClaim: string; roleMap: Record<string, Role[]> | null; clockSkewSeconds: number; linkByEmail: boolean } | null;
    /**
     * Sign-in to the console through the IdP (authorization code flow with PKCE); null: API keys only. `endpoints`
     * null means they are discovered from the issuer's /.well-known/openid-configuration.
     */
    consoleSignIn: { clientId: string; scopes: string; issuer: string | null; endpoints: { authorizationUrl: string; tokenUrl: string } | null } | null;
  };
  governance: { changeRequestTtlDays: number };
  /**
   * Signed audit checkpoints. signingKey: PEM text or a path, as given (src/main/audit-signing-key.ts reads it); null:
   * generated into the data folder on the embedded default, checkpoints off on PostgreSQL.
   */
  audit: { signingKey: string | null; checkpointEveryEvents: number; checkpointEveryMinutes: number; checkpointDir: string; webhookUrl: string | null };
  sync: { staleSourceHours: number; maxDeleteShare: number; allowPrivateSourceUrls: boolean; workerConcurrency: number; workerLockMs: number; listingThreads: number };
  dataDir: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Parses an environment into the hub's config, or throws a ConfigError listing every problem. */
export function parseConfig(env: NodeJS.ProcessEnv, cwd: string = process.cwd()): Readonly<HubConfig> {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.OIDC_ISSUER && !e.OIDC_JWKS_URL) problems.push('OIDC_JWKS_URL: required when OIDC_ISSUER is set');
  // An identity is the pair (issuer, subject), and a token for another application must not open this hub.
  if (e.OIDC_JWKS_URL && !e.OIDC_ISSUER) problems.push('OIDC_ISSUER: required when OIDC_JWKS_URL is set (identities are issuer + subject)');
  if (e.OIDC_JWKS_URL && !e.OIDC_AUDIENCE) problems.push('OIDC_AUDIENCE: required when OIDC_JWKS_URL is set (tokens issued for other applications must not be accepted)');
  problems.push(...consoleSignInProblems(e));
  if (e.DATABASE_MIGRATION_URL && !e.DATABASE_URL) problems.push('DATABASE_URL: required when DATABASE_MIGRATION_URL is set (the runtime role\'s URL; the embedded default has one user)');
  if (e.HUB_SECRET_KEY_PREVIOUS && !e.HUB_SECRET_KEY) problems.push('HUB_SECRET_KEY: required when HUB_SECRET_KEY_PREVIOUS is set (the new key to re-encrypt with)');
  if (problems.length > 0) throw new ConfigError(problems);

  const dataDir = resolve(cwd, e.HUB_DATA_DIR ?? '.hub');
  return deepFreeze<HubConfig>({
    database: e.DATABASE_URL ? { kind: 'postgres', url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE } : { kind: 'pglite', dataDir: `${dataDir}/pgdata` },
    databaseOwner: e.DATABASE_MIGRATION_URL
      ? { migrationUrl: e.DATABASE_MIGRATION_URL, runtimeRole: { name: e.HUB_DB_RUNTIME_ROLE, password: e.HUB_DB_RUNTIME_PASSWORD ?? null } }
      : null,
    stateReplay: e.HUB_STATE_REPLAY_EVERY_MINUTES > 0 ? { everyMs: e.HUB_STATE_REPLAY_EVERY_MINUTES * 60_000 } : null,
    redis: e.REDIS_URL ? { url: e.REDIS_URL, prefix: e.HUB_QUEUE_PREFIX } : null,
    http: { port: e.PORT, host: e.HOST, maxPageSize: e.MAX_PAGE_SIZE, maxDepth: e.MAX_QUERY_DEPTH, maxCost: e.MAX_QUERY_COST, trustedDocumentsPath: e.HUB_TRUSTED_DOCUMENTS ? resolve(cwd, e.HUB_TRUSTED_DOCUMENTS) : null, databaseRendering: e.HUB_GRAPHQL_DATABASE_RENDERING },
    publicUrl: e.HUB_PUBLIC_URL ?? null,
    metrics: { public: e.METRICS_PUBLIC, port: e.METRICS_PORT ?? null },
    log: { level: e.LOG_LEVEL, format: e.LOG_FORMAT ?? null },
    secrets: { key: e.HUB_SECRET_KEY ? decodeKey(e.HUB_SECRET_KEY) : null, previousKey: e.HUB_SECRET_KEY_PREVIOUS ? decodeKey(e.HUB_SECRET_KEY_PREVIOUS) : null },
    auth: {
      bootstrapAdminKey: e.HUB_BOOTSTRAP_ADMIN_KEY ?? null,
      breakGlass: e.HUB_BREAK_GLASS,
      oidc: e.OIDC_JWKS_URL
        ? { jwksUrl: e.OIDC_JWKS_URL, issuer: e.OIDC_ISSUER!, audience: e.OIDC_AUDIENCE!, rolesClaim: e.OIDC_ROLES_CLAIM, roleMap: e.OIDC_ROLE_MAP, clockSkewSeconds: e.OIDC_CLOCK_SKEW_SECONDS, linkByEmail: e.OIDC_LINK_BY_EMAIL }
        : null,
      consoleSignIn: e.OIDC_CLIENT_ID
        ? {
            clientId: e.OIDC_CLIENT_ID,
            scopes: e.OIDC_SCOPES,
            issuer: e.OIDC_ISSUER ?? null,
            endpoints: e.OIDC_AUTHORIZATION_URL && e.OIDC_TOKEN_URL ? { authorizationUrl: e.OIDC_AUTHORIZATION_URL, tokenUrl: e.OIDC_TOKEN_URL } : null,
          }
        : null,
    },
    governance: { changeRequestTtlDays: e.CHANGE_REQUEST_TTL_DAYS },
    audit: {
      signingKey: e.HUB_AUDIT_SIGNING_KEY ?? null,
      checkpointEveryEvents: e.HUB_AUDIT_CHECKPOINT_EVERY_EVENTS,
      checkpointEveryMinutes: e.HUB_AUDIT_CHECKPOINT_EVERY_MINUTES,
      checkpointDir: e.HUB_AUDIT_CHECKPOINT_DIR ? resolve(cwd, e.HUB_AUDIT_CHECKPOINT_DIR) : resolve(dataDir, 'audit-checkpoints'),
      webhookUrl: e.HUB_AUDIT_CHECKPOINT_WEBHOOK_URL ?? null,
    },
    sync: { staleSourceHours: e.STALE_SOURCE_HOURS, maxDeleteShare: e.MAX_DELETE_SHARE, allowPrivateSourceUrls: e.ALLOW_PRIVATE_SOURCE_URLS, workerConcurrency: e.WORKER_CONCURRENCY, workerLockMs: e.WORKER_LOCK_MS, listingThreads: e.SYNC_LISTING_THREADS },
    dataDir,
  });
}

/** An authorization code or token crossing the network in clear is as good as a password: https, or loopback for tests. */
function secureOrLoopback(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  return protocol === 'https:' || ['127.0.0.1', 'localhost', '[::1]'].includes(hostname);
}

/** The console's SSO needs the hub to verify what the IdP issues, and to know where the IdP's endpoints are. */
function consoleSignInProblems(e: z.infer<typeof envSchema>): string[] {
  const problems: string[] = [];
  const endpoints = [e.OIDC_AUTHORIZATION_URL, e.OIDC_TOKEN_URL].filter((v) => v !== undefined);
  if (!e.OIDC_CLIENT_ID) {
    if (endpoints.length) problems.push('OIDC_CLIENT_ID: required when OIDC_AUTHORIZATION_URL or OIDC_TOKEN_URL is set (the console signs in as this client)');
    return problems;
  }
  if (!e.OIDC_JWKS_URL) problems.push('OIDC_JWKS_URL: required when OIDC_CLIENT_ID is set (the hub verifies the tokens the console signs in with)');
  if (endpoints.length === 1) problems.push('OIDC_AUTHORIZATION_URL, OIDC_TOKEN_URL: set both, or neither to discover them from OIDC_ISSUER');
  if (endpoints.length === 0 && !e.OIDC_ISSUER) problems.push('OIDC_ISSUER: required when OIDC_CLIENT_ID is set without OIDC_AUTHORIZATION_URL and OIDC_TOKEN_URL (they are discovered from the issuer)');
  for (const [name, value] of [['OIDC_AUTHORIZATION_URL', e.OIDC_AUTHORIZATION_URL], ['OIDC_TOKEN_URL', e.OIDC_TOKEN_URL]] as const) {
    if (value && !secureOrLoopback(value)) problems.push(`${name}: must be https (plain http only on loopback)`);
  }
  if (endpoints.length === 0 && e.OIDC_ISSUER && URL.canParse(e.OIDC_ISSUER) && !secureOrLoopback(e.OIDC_ISSUER)) problems.push('OIDC_ISSUER: must be https to discover its endpoints (plain http only on loopback)');
  if (endpoints.length === 0 && e.OIDC_ISSUER && !URL.canParse(e.OIDC_ISSUER)) problems.push('OIDC_ISSUER: must be a URL to discover its endpoints');
  return problems;
}

/** For composition roots: parse or print every problem and exit non-zero, touching nothing. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Readonly<HubConfig> {
  try {
    return parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
