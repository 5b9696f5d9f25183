import type { ApiError, FieldProblem } from '../api/client.ts';

/**
 * The server names each bad field by its path (`settings.trackingUri`, `evidence.0.url`); a form asks for the
 * problem of each of its fields, and shows whatever no field claimed in a list of its own.
 */
export class FieldProblems {
  private readonly claimed = new Set<FieldProblem>();
  constructor(private readonly problems: readonly FieldProblem[]) {}

  static of(error: ApiError | null, local: FieldProblem[] = []): FieldProblems {
    return new FieldProblems([...local, ...(error?.problems ?? [])]);
  }

  /** The messages for `path` (or for a field inside it), joined; marks them shown. */
  for(path: string): string | null {
    const mine = this.problems.filter((p) => p.path === path || p.path.startsWith(`${path}.`) || p.path === `input.${path}`);
    mine.forEach((p) => this.claimed.add(p));
    return mine.length ? mine.map((p) => p.message).join('; ') : null;
  }

  /** The messages for exactly `path` (not for fields inside it); marks them shown. */
  exact(path: string): string | null {
    const mine = this.problems.filter((p) => p.path === path || p.path === `input.${path}`);
    mine.forEach((p) => this.claimed.add(p));
    return mine.length ? mine.map((p) => p.message).join('; ') : null;
  }

  /** Problems no field showed (call after rendering the fields). */
  unclaimed(): FieldProblem[] {
    return this.problems.filter((p) => !this.claimed.has(p));
  }

  get any(): boolean {
    return this.problems.length > 0;
  }
}
