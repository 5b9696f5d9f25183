/**
 * The simulators' estate store looks models up by name through an index that mutations do not maintain: whatever
 * the tests and the demo do to the estate, a lookup must answer what the estate holds now.
 */
import { describe, expect, it } from 'vitest';
import { EstateStore, generateEstate } from '../../../connectors/shared/simulator-kit.js';

function store(): EstateStore {
  return new EstateStore(generateEstate({ seed: 7, models: 6, versionsPerModel: 2, deployments: 2 }));
}

describe('EstateStore.findModel', () => {
  it('should find every model of the estate by name, and nothing for an unknown name', () => {
    const s = store();
    for (const model of s.estate.models) expect(s.findModel(model.name)).toBe(model);
    expect(s.findModel('no-such-model')).toBeUndefined();
  });

  it('should follow additions, removals and removed-then-re-added names', () => {
    const s = store();
    const [first, second] = s.estate.models;
    expect(s.findModel(second.name)).toBe(second); // the index is built
    s.removeModel(first.name); // every later model moves one position down
    expect(s.findModel(first.name)).toBeUndefined();
    expect(s.findModel(second.name)).toBe(second);
    const added = s.addModel({ name: 'added-later' });
    expect(s.findModel('added-later')).toBe(added);
    const again = s.addModel({ name: first.name });
    expect(s.findModel(first.name)).toBe(again);
  });

  it('should answer from a replaced estate', () => {
    const s = store();
    const before = s.estate.models[0];
    expect(s.findModel(before.name)).toBe(before);
    s.estate = generateEstate({ seed: 8, models: 3, versionsPerModel: 1, deployments: 0 });
    expect(s.findModel(before.name)).toBe(s.estate.models.find((m) => m.name === before.name));
    for (const model of s.estate.models) expect(s.findModel(model.name)).toBe(model);
  });
});
