import type { ApiError } from '../api/client.ts';
import { ErrorPanel } from './error-panel.tsx';
import { ConfirmAction } from './ui.tsx';

/** "Withdraw the request", asked twice: a change request's and a control request's page share it. */
export function WithdrawRequest({ withdraw, running, error }: { withdraw: () => Promise<boolean>; running: boolean; error: ApiError | null }) {
  return (
    <section className="card" aria-labelledby="cancel-heading">
      <h2 id="cancel-heading">Withdraw the request</h2>
      <ErrorPanel error={error} />
      <ConfirmAction label="Cancel this request" confirmLabel="Yes, cancel the request" running={running} onConfirm={withdraw} />
    </section>
  );
}
