/**
 * Form fields from the JSON Schemas the hub derives from each vendor's own validation (`sourceVendors`): the console
 * asks for exactly the fields the server checks, and a vendor that gains a setting gains a field, with no change here.
 */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  format?: string;
  default?: unknown;
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
}

export type FieldKind = 'text' | 'number' | 'list' | 'json';

export interface SchemaField {
  name: string;
  label: string;
  kind: FieldKind;
  required: boolean;
  schema: JsonSchema;
}

const WORDS: Record<string, string> = { uri: 'URI', url: 'URL', id: 'ID', api: 'API', aws: 'AWS' };

/** `trackingUri` → "Tracking URI", `accessKeyId` → "Access key ID". */
export function labelFor(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_]+/)
    .map((word) => WORDS[word.toLowerCase()] ?? word.toLowerCase());
  const first = words[0] ?? '';
  words[0] = WORDS[first.toLowerCase()] ?? first.charAt(0).toUpperCase() + first.slice(1);
  return words.join(' ');
}

function kindOf(schema: JsonSchema): FieldKind {
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (type === 'integer' || type === 'number') return 'number';
  if (type === 'array' && (schema.items?.type === 'string' || schema.items === undefined)) return 'list';
  if (type === 'object' || type === 'array') return 'json';
  return 'text';
}

export function fieldsOf(schema: JsonSchema | undefined): SchemaField[] {
  const required = new Set(schema?.required ?? []);
  return Object.entries(schema?.properties ?? {}).map(([name, property]) => ({ name, label: labelFor(name), kind: kindOf(property), required: required.has(name), schema: property }));
}

/** A stored value as the text its input shows. */
export function toText(field: SchemaField, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (field.kind === 'list' && Array.isArray(value)) return value.join(', ');
  if (field.kind === 'json') return JSON.stringify(value);
  return String(value);
}

/** An input's text as the value to send; empty means "not set". */
export function fromText(field: SchemaField, text: string): { value?: unknown; problem?: string } {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  switch (field.kind) {
    case 'number': {
      const number = Number(trimmed);
      return Number.isFinite(number) ? { value: number } : { problem: 'must be a number' };
    }
    case 'list':
      return { value: trimmed.split(',').map((item) => item.trim()).filter(Boolean) };
    case 'json':
      try {
        return { value: JSON.parse(trimmed) };
      } catch {
        return { problem: 'must be JSON, e.g. {"PRODUCTION": "production"}' };
      }
    default:
      return { value: trimmed };
  }
}

export function hintFor(field: SchemaField): string | undefined {
  const parts: string[] = [];
  if (field.kind === 'list') parts.push('Comma-separated.');
  if (field.kind === 'json') parts.push('A JSON value.');
  if (field.schema.format === 'uri') parts.push('An http(s) URL.');
  if (field.schema.default !== undefined) parts.push(`Default: ${JSON.stringify(field.schema.default)}.`);
  return parts.length ? parts.join(' ') : undefined;
}

/** One way to give a credential (token; user name and password; …), or none where the vendor allows it. */
export interface CredentialKind {
  label: string;
  fields: SchemaField[];
}

export function credentialKinds(schema: JsonSchema | undefined): { kinds: CredentialKind[]; noneAllowed: boolean } {
  if (!schema) return { kinds: [], noneAllowed: true };
  const alternatives = schema.anyOf ?? [schema];
  const kinds: CredentialKind[] = [];
  let noneAllowed = false;
  for (const alternative of alternatives) {
    const types = Array.isArray(alternative.type) ? alternative.type : [alternative.type];
    if (types.includes('null')) noneAllowed = true;
    if (!alternative.properties) continue;
    const fields = fieldsOf(alternative);
    const named = fields.filter((f) => f.required);
    kinds.push({ label: (named.length ? named : fields).map((f) => f.label).join(' + '), fields });
  }
  return { kinds, noneAllowed };
}
