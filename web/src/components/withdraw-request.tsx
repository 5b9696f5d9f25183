import type { TadaDocumentNode } from 'gql.tada';
import { useMutation } from '../api/use-query.ts';
import { ErrorPanel } from './error-panel.tsx';
import { ConfirmAction } from './ui.tsx';

/**
 * "Withdraw the request", asked twice, for a change request's and a control request's page alike: each passes its
 * own cancel mutation (taking the request's id) and what to do once it is cancelled.
 */
export function WithdrawRequest<Result>({ cancel, id, onCancelled }: { cancel: TadaDocumentNode<Result, { id: string }>; id: string; onCancelled: () => Promise<void> }) {
  const mutation = useMutation(cancel);
  const withdraw = async () => {
    const done = await mutation.run({ id });
    if (done) await onCancelled();
    return done !== null;
  };
  return (
    <section className="card" aria-labelledby="cancel-heading">
      <h2 id="cancel-heading">Withdraw the request</h2>
      <ErrorPanel error={mutation.error} />
      <ConfirmAction label="Cancel this request" confirmLabel="Yes, cancel the request" running={mutation.running} onConfirm={withdraw} />
    </section>
  );
}
