import type { NormalisedBatch } from '../../connectors/contract.js';

/** Everything a connector listed, kind by kind, with the number of batches it came in. */
export interface CollectedListing {
  batches: number;
  models: NormalisedBatch['models'];
  versions: NormalisedBatch['versions'];
  deployments: NormalisedBatch['deployments'];
  errors: NormalisedBatch['errors'];
}

/** Drains a listing into one record per kind. */
export async function collectListing(batches: AsyncIterable<NormalisedBatch>): Promise<CollectedListing> {
  const all: CollectedListing = { batches: 0, models: [], versions: [], deployments: [], errors: [] };
  for await (const batch of batches) {
    all.batches++;
    all.models.push(...batch.models);
    all.versions.push(...batch.versions);
    all.deployments.push(...batch.deployments);
    all.errors.push(...batch.errors);
  }
  return all;
}

/** Drains a listing that must fail, and returns what it failed with. */
export async function failureOf(listing: AsyncIterable<unknown>): Promise<unknown> {
  try {
    for await (const _batch of listing) {
      // drained
    }
  } catch (error) {
    return error;
  }
  throw new Error('the listing did not fail');
}
