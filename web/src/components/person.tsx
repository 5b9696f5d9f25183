import { useViewer } from '../auth/viewer.tsx';

/**
 * A principal id as decisions record it (`key:<id>` or an SSO subject). The signed-in credential is named; others
 * are shown by id, since lifecycle decisions expose principal ids, not persons.
 */
export function Person({ id }: { id: string }) {
  const { me } = useViewer();
  if (id === me.id) return <span title={id}>you ({me.displayName})</span>;
  return <code className="id">{id}</code>;
}
