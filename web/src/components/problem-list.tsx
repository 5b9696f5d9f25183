import type { FieldProblems } from './problems.ts';

/** The server's problems that no field of the form claimed (render it after the fields). */
export function ProblemList({ problems }: { problems: FieldProblems }) {
  const rest = problems.unclaimed();
  if (rest.length === 0) return null;
  return (
    <ul className="problem-list">
      {rest.map((p) => (
        <li key={`${p.path}:${p.message}`}>
          <code>{p.path}</code>: {p.message}
        </li>
      ))}
    </ul>
  );
}
