/**
 * Abort signals of their own for the many calls made under one signal (a run's, or a group of concurrent calls').
 * A client library adds listeners to the signal each call is given (the AWS SDK one per request, and one more while
 * its retry strategy waits), so calls sharing a signal pile their listeners up on it: past ten, Node prints
 * `MaxListenersExceededWarning`. A child is aborted with its parent through one listener the parent carries whatever
 * the number of children, and is dropped from it when released.
 */
export interface ChildSignal {
  readonly signal: AbortSignal;
  /** Aborts this child only (e.g. its siblings failed). */
  abort(reason: unknown): void;
  /** Detaches the child from its parent; call when the work it was made for has ended. */
  release(): void;
}

/** The live children of each parent signal; the parent's one listener aborts them. */
const childrenOf = new WeakMap<AbortSignal, Set<AbortController>>();

export function childSignal(parent: AbortSignal): ChildSignal {
  const controller = new AbortController();
  const abort = (reason: unknown) => controller.abort(reason);
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { signal: controller.signal, abort, release: () => undefined };
  }
  let children = childrenOf.get(parent);
  if (!children) {
    const live = new Set<AbortController>();
    childrenOf.set(parent, live);
    parent.addEventListener('abort', () => {
      for (const child of live) child.abort(parent.reason);
      live.clear();
    }, { once: true });
    children = live;
  }
  const live = children;
  live.add(controller);
  return { signal: controller.signal, abort, release: () => live.delete(controller) };
}

/** Runs `work` with a child of `parent`, released when `work` settles. */
export async function withChildSignal<T>(parent: AbortSignal, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const child = childSignal(parent);
  try {
    return await work(child.signal);
  } finally {
    child.release();
  }
}
