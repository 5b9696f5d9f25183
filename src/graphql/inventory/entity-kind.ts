/** The GraphQL type of a record named by (entity_kind, entity_id) in changes and findings. */
const TYPE_OF_KIND: Record<string, string> = { model: 'Model', version: 'ModelVersion', deployment: 'Deployment', source: 'Source' };

export function typeOfEntityKind(kind: string): string | null {
  return TYPE_OF_KIND[kind] ?? null;
}
