import type { StateReplayService, StateVerification } from '../../audit/state-replay.service.js';

const USAGE = `Usage:
  hub audit replay [--json]   replay the audit trail into governed state and list every row that disagrees
Exit status: 0 when the state agrees with the trail, 1 when it diverges, 2 on bad usage.`;

/** `hub audit replay`: the state replay, as text for a person or JSON for a pipeline. */
export async function auditReplayCommand(args: string[], deps: { replay: Pick<StateReplayService, 'verify'>; out: NodeJS.WritableStream; err: NodeJS.WritableStream }): Promise<number> {
  const json = args.includes('--json');
  const unknown = args.filter((a) => a !== '--json');
  if (unknown.length > 0) {
    deps.err.write(`hub audit replay: unknown option ${unknown[0]}\n${USAGE}\n`);
    return 2;
  }
  const progress = json ? undefined : (events: number) => deps.err.write(`\r  replayed ${events} events   `);
  const result = await deps.replay.verify({ onProgress: progress });
  if (!json) deps.err.write('\n');
  deps.out.write(json ? `${JSON.stringify(result, null, 2)}\n` : describe(result));
  return result.consistent ? 0 : 1;
}

function describe(result: StateVerification): string {
  const rate = Math.round(result.eventsReplayed / Math.max(0.001, result.durationMs / 1000));
  const lines = [
    `Replayed ${result.eventsReplayed} audit events (up to #${result.lastSeq}) in ${(result.durationMs / 1000).toFixed(1)} s (${rate} events/s).`,
    result.unknownEvents > 0 ? `${result.unknownEvents} events lacked facts the replay needs (older formats); their entities were not compared.` : '',
    result.consistent ? 'The governed state agrees with the audit trail.' : `${result.divergenceCount} divergences between the tables and the audit trail:`,
    ...result.divergences.map((d) => `  ${d.entityKind} ${d.entityId} ${d.field}: ${d.message}`),
    result.truncated ? `  … and ${result.divergenceCount - result.divergences.length} more (use --json for the listed ones).` : '',
  ];
  return `${lines.filter(Boolean).join('\n')}\n`;
}

export { USAGE as AUDIT_USAGE };
