/**
 * `hub status`: the one-screen summary for IT operations, read from a running hub's GraphQL API
 * (HUB_URL, default http://127.0.0.1:4000; HUB_API_KEY with OPERATOR or ADMIN).
 */
const STATUS_QUERY = `query HubStatus {
  systemStatus {
    sources { name vendor enabled lastRunStatus lastRunAt lastSuccessAt nextRunAt }
    queues { queue waiting active delayed failed }
    openFindings { kind count }
    pendingChangeRequests
    writeBackBacklog
  }
}`;

interface StatusData {
  systemStatus: {
    sources: Array<{ name: string; vendor: string; enabled: boolean; lastRunStatus: string | null; lastRunAt: string | null; lastSuccessAt: string | null; nextRunAt: string | null }>;
    queues: Array<{ queue: string; waiting: number; active: number; delayed: number; failed: number }>;
    openFindings: Array<{ kind: string; count: number }>;
    pendingChangeRequests: number;
    writeBackBacklog: number;
  };
}

export async function statusCommand(_args: string[], deps: { env: NodeJS.ProcessEnv; out: NodeJS.WritableStream; fetch?: typeof fetch; now?: () => Date }): Promise<number> {
  const url = (deps.env.HUB_URL ?? 'http://127.0.0.1:4000').replace(/\/+$/, '');
  const key = deps.env.HUB_API_KEY;
  if (!key) {
    deps.out.write('hub status: set HUB_API_KEY to an OPERATOR or ADMIN API key\n');
    return 2;
  }
  let body: { data?: StatusData; errors?: Array<{ message: string }> };
  try {
    const response = await (deps.fetch ?? fetch)(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: STATUS_QUERY }),
    });
    body = (await response.json()) as typeof body;
  } catch (error) {
    deps.out.write(`hub status: cannot reach ${url} (${(error as Error).message})\n`);
    return 1;
  }
  if (!body.data) {
    deps.out.write(`hub status: ${body.errors?.map((e) => e.message).join('; ') ?? 'no data'}\n`);
    return 1;
  }
  deps.out.write(renderStatus(body.data.systemStatus, deps.now?.() ?? new Date()));
  return 0;
}

export function renderStatus(status: StatusData['systemStatus'], now: Date): string {
  const ago = (iso: string | null) => (iso ? relative(new Date(iso).getTime() - now.getTime()) : '—');
  const lines = ['SOURCES', `  ${'name'.padEnd(24)} ${'vendor'.padEnd(10)} ${'last run'.padEnd(10)} ${'when'.padEnd(12)} ${'last success'.padEnd(14)} next run`];
  for (const s of status.sources) {
    lines.push(`  ${s.name.padEnd(24)} ${s.vendor.padEnd(10)} ${(s.enabled ? s.lastRunStatus ?? 'never' : 'disabled').padEnd(10)} ${ago(s.lastRunAt).padEnd(12)} ${ago(s.lastSuccessAt).padEnd(14)} ${s.enabled ? ago(s.nextRunAt) : '—'}`);
  }
  if (status.sources.length === 0) lines.push('  (no sources configured)');
  lines.push('', 'QUEUES', `  ${'queue'.padEnd(20)} waiting  active  delayed  failed`);
  for (const q of status.queues) lines.push(`  ${q.queue.padEnd(20)} ${String(q.waiting).padStart(7)} ${String(q.active).padStart(7)} ${String(q.delayed).padStart(8)} ${String(q.failed).padStart(7)}`);
  lines.push('', 'GOVERNANCE');
  lines.push(`  open findings: ${status.openFindings.length === 0 ? 'none' : status.openFindings.map((f) => `${f.kind} ${f.count}`).join(', ')}`);
  lines.push(`  change requests waiting for approval: ${status.pendingChangeRequests}`);
  lines.push(`  write-backs not yet delivered: ${status.writeBackBacklog}`, '');
  return lines.join('\n');
}

function relative(ms: number): string {
  const abs = Math.abs(ms);
  const text = abs < 60_000 ? `${Math.round(abs / 1000)}s` : abs < 3_600_000 ? `${Math.round(abs / 60_000)}m` : abs < 172_800_000 ? `${Math.round(abs / 3_600_000)}h` : `${Math.round(abs / 86_400_000)}d`;
  return ms < 0 ? `${text} ago` : `in ${text}`;
}
