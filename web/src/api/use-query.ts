import { useCallback, useEffect, useRef, useState } from 'react';
import type { TadaDocumentNode } from 'gql.tada';
import { ApiError, execute } from './client.ts';

export interface QueryState<Result> {
  data: Result | null;
  error: ApiError | null;
  loading: boolean;
  /** Runs the query again with the same variables (after a mutation, or on a timer). */
  refetch(): Promise<void>;
}

/**
 * Runs a typed query whenever its variables change; the previous answer stays visible while the next one loads, so
 * paging does not flash an empty table. `pollMs` re-runs it on a timer (sync progress).
 */
export function useQuery<Result, Variables>(
  document: TadaDocumentNode<Result, Variables>,
  variables: Variables,
  options: { skip?: boolean; pollMs?: number } = {},
): QueryState<Result> {
  const key = JSON.stringify(variables ?? {});
  const [state, setState] = useState<{ data: Result | null; error: ApiError | null; loading: boolean }>({ data: null, error: null, loading: !options.skip });
  const latest = useRef(0);

  const run = useCallback(async () => {
    const ticket = ++latest.current;
    setState((previous) => ({ ...previous, loading: true }));
    try {
      const data = await execute(document, JSON.parse(key) as Variables);
      if (ticket === latest.current) setState({ data, error: null, loading: false });
    } catch (error) {
      if (ticket === latest.current) setState((previous) => ({ data: previous.data, error: toApiError(error), loading: false }));
    }
  }, [document, key]);

  useEffect(() => {
    if (options.skip) return;
    void run();
    if (!options.pollMs) return;
    const timer = setInterval(() => void run(), options.pollMs);
    return () => clearInterval(timer);
  }, [run, options.skip, options.pollMs]);

  return { ...state, refetch: run };
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(error instanceof Error ? error.message : String(error), 'CLIENT_ERROR', 0);
}

/** A mutation's lifecycle for one form: run it, keep its error (with field problems) until the next attempt. */
export function useMutation<Result, Variables>(document: TadaDocumentNode<Result, Variables>) {
  const [state, setState] = useState<{ running: boolean; error: ApiError | null; data: Result | null }>({ running: false, error: null, data: null });
  const run = useCallback(
    async (variables: Variables): Promise<Result | null> => {
      setState({ running: true, error: null, data: null });
      try {
        const data = await execute(document, variables);
        setState({ running: false, error: null, data });
        return data;
      } catch (error) {
        setState({ running: false, error: toApiError(error), data: null });
        return null;
      }
    },
    [document],
  );
  const reset = useCallback(() => setState({ running: false, error: null, data: null }), []);
  return { ...state, run, reset };
}
