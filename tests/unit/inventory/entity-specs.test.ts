import { getTableColumns } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { DEPLOYMENT_SPEC, ENTITY_SPECS, MODEL_SPEC, VERSION_SPEC, type EntitySpec } from '../../../src/inventory/entity-specs.js';

/**
 * The writer's column specs are derived from the drizzle tables: these pin what the derivation keeps out (the hub's
 * own and governance-owned columns) and what it reads off each column.
 */
const HUB_KEPT = ['id', 'source_id', 'external_id', 'content_hash', 'first_seen_at', 'last_changed_at', 'deleted_at'];
const GOVERNANCE_OWNED = ['risk_tier', 'business_unit', 'accountable_owner', 'accountable_owner_person_id', 'lifecycle_state', 'lifecycle_changed_at'];

const tableColumnNames = (spec: EntitySpec<never>) => Object.values(getTableColumns(spec.table)).map((column) => column.name);
const column = (spec: EntitySpec<never>, name: string) => spec.columns.find((c) => c.name === name);

describe('entity specs', () => {
  it('should list every column of the table except the hub-kept, governance-owned and parent-link ones', () => {
    for (const spec of ENTITY_SPECS as readonly EntitySpec<never>[]) {
      const left = [...HUB_KEPT, ...GOVERNANCE_OWNED, ...(spec.parent ? [spec.parent.link.name] : [])];
      const expected = tableColumnNames(spec).filter((name) => !left.includes(name));
      expect(spec.columns.map((c) => c.name).sort()).toEqual(expected.sort());
    }
  });

  it('should never name a governance-owned column', () => {
    for (const spec of ENTITY_SPECS as readonly EntitySpec<never>[]) {
      expect(spec.columns.map((c) => c.name).filter((name) => GOVERNANCE_OWNED.includes(name))).toEqual([]);
    }
  });

  it('should list the kind’s own columns before those every record carries', () => {
    for (const spec of ENTITY_SPECS as readonly EntitySpec<never>[]) {
      expect(spec.columns.slice(-3).map((c) => c.field)).toEqual(['vendorAttributes', 'createdAt', 'updatedAt']);
    }
  });

  it('should read type, requiredness and list-ness off the column', () => {
    expect(column(VERSION_SPEC, 'version_number')).toMatchObject({ field: 'versionNumber', type: 'int' });
    expect(column(VERSION_SPEC, 'version_number')?.required).toBeUndefined();
    expect(column(VERSION_SPEC, 'metrics')).toMatchObject({ type: 'jsonb', required: true, jsonArray: true });
    expect(column(VERSION_SPEC, 'lineage')).toMatchObject({ type: 'jsonb', required: true });
    expect(column(VERSION_SPEC, 'lineage')?.jsonArray).toBeUndefined();
    expect(column(DEPLOYMENT_SPEC, 'traffic_share')).toMatchObject({ field: 'trafficShare', type: 'real' });
    expect(column(DEPLOYMENT_SPEC, 'serving_production')).toMatchObject({ type: 'boolean', required: true });
    expect(column(MODEL_SPEC, 'name')).toMatchObject({ type: 'text', required: true });
    expect(column(MODEL_SPEC, 'vendor_created_at')).toMatchObject({ field: 'createdAt', type: 'timestamptz' });
  });

  it('should read each column from the contract field of its name', () => {
    const createdAt = new Date('2024-05-01T12:00:00.000Z');
    const record = { name: 'churn', deepLink: 'https://x', createdAt } as never;
    expect(column(MODEL_SPEC, 'deep_link')?.read(record)).toBe('https://x');
    expect(column(MODEL_SPEC, 'vendor_created_at')?.read(record)).toBe(createdAt);
  });

  it('should link children to their parent by the parent’s external id', () => {
    expect(VERSION_SPEC.parent).toMatchObject({ parentTable: MODEL_SPEC.table });
    expect([VERSION_SPEC.parent?.link.name, VERSION_SPEC.parent?.externalId.name]).toEqual(['model_id', 'model_external_id']);
    expect([DEPLOYMENT_SPEC.parent?.link.name, DEPLOYMENT_SPEC.parent?.externalId.name]).toEqual(['version_id', 'version_external_id']);
  });
});
