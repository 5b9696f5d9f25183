import type { Metric, MetricKind } from '../contract.js';

/**
 * The kind of a metric known only by its name (MLflow run metrics, and Domino's MLflow-backed registry): the one rule,
 * so every connector that has only a key to go on reads it alike.
 *
 * A key is VALIDATION when its first or last word names a held-out split: `val`, `valid`, `validation`, `eval`,
 * `evaluation`, `test`, `holdout` or `cv`, words being separated by `_`, `-`, `.`, `/`, `:` or a space, compared
 * case-insensitively. So `val_loss`, `validation_0-auc` (XGBoost autolog), `val/acc` (Lightning), `test_f1`, `eval.rmse`
 * and `auc_test` are VALIDATION. Every other key is TRAINING: MLflow runs log training figures unless told otherwise,
 * and a name such as `auc` does not say which data it was computed on.
 */
const HELD_OUT_WORDS: ReadonlySet<string> = new Set(['val', 'valid', 'validation', 'eval', 'evaluation', 'test', 'holdout', 'cv']);
const WORD_SEPARATORS = /[_\-./: ]+/;

export function metricKindFromName(name: string): MetricKind {
  const words = name.toLowerCase().split(WORD_SEPARATORS).filter((word) => word !== '');
  if (words.length === 0) return 'TRAINING';
  // A digit suffix such as XGBoost's `validation_0` still names the split.
  const first = words[0].replace(/\d+$/, '');
  const last = words[words.length - 1].replace(/\d+$/, '');
  return HELD_OUT_WORDS.has(first) || (words.length > 1 && HELD_OUT_WORDS.has(last)) ? 'VALIDATION' : 'TRAINING';
}

/** A finite number, or null for anything else (NaN, Infinity, strings): metrics keep only real figures. */
export function finiteNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Metrics in a stable order (name, then kind, then step), so an unchanged set always hashes alike. */
export function sortMetrics(metrics: Metric[]): Metric[] {
  const kindOrder = (kind: MetricKind) => (kind === 'TRAINING' ? 0 : kind === 'VALIDATION' ? 1 : 2);
  return metrics.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : kindOrder(a.kind) - kindOrder(b.kind) || (a.step ?? -1) - (b.step ?? -1)));
}
