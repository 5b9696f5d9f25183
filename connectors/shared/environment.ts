import { z } from 'zod';
import { DEPLOYMENT_ENVIRONMENTS, type DeploymentEnvironment } from '../contract.js';

/**
 * Which environment a deployment runs in, decided by one rule per source that IT ops can set (the `environmentRule`
 * setting every vendor's settings accept). Pure: the vendor's connector gathers the evidence, this module decides.
 *
 * The rule, in order (the first step that decides wins):
 * 1. tags: the first of `tagKeys` the deployment carries (key compared case-insensitively). Its value is looked up in
 *    `values`; a value found nowhere there gives UNKNOWN (the team named an environment the rule does not know).
 * 2. `namePatterns`: the first regular expression (case-insensitive) matching the deployment's name.
 * 3. the vendor's own word for the environment (DataRobot prediction environment name, MLflow alias or stage), looked
 *    up in `values`; a word found nowhere there decides nothing.
 * 4. `otherwise`: `VENDOR` (default) takes the vendor's own production notion (see each connector), or a fixed value.
 *
 * A text matches a listed value when it contains it as whole words, case-insensitively (`eu-prod-2` holds `prod`);
 * when it holds several listed values, the longest wins (`pre-production` is STAGING although it holds `production`).
 */

/** The environments a rule can name a value for (UNKNOWN is what nothing names). */
const NAMED_ENVIRONMENTS = ['PRODUCTION', 'STAGING', 'DEVELOPMENT'] as const;
type NamedEnvironment = (typeof NAMED_ENVIRONMENTS)[number];

/** Tag keys read by default, in order. */
export const DEFAULT_TAG_KEYS: readonly string[] = ['environment', 'env', 'stage'];

/** Values that name each environment by default (tag values, the vendor's environment word). */
export const DEFAULT_ENVIRONMENT_VALUES: Readonly<Record<NamedEnvironment, readonly string[]>> = {
  PRODUCTION: ['prod', 'production', 'prd'],
  STAGING: ['stage', 'staging', 'stg', 'preprod', 'pre-prod', 'pre-production', 'uat', 'qa'],
  DEVELOPMENT: ['dev', 'development', 'test', 'testing', 'sandbox', 'sbx'],
};

const valueList = z.array(z.string().trim().min(1).max(100).toLowerCase()).max(50);

const namePattern = z.strictObject({
  /** A JavaScript regular expression, matched case-insensitively against the deployment's name. */
  pattern: z
    .string()
    .min(1)
    .max(200)
    .superRefine((pattern, ctx) => {
      const problem = regexProblem(pattern);
      if (problem) ctx.addIssue({ code: 'custom', message: `is not a valid regular expression (${problem})` });
    }),
  environment: z.enum(DEPLOYMENT_ENVIRONMENTS),
});

export const environmentRuleSchema = z.strictObject({
  tagKeys: z.array(z.string().trim().min(1).max(128)).max(20).default([...DEFAULT_TAG_KEYS]),
  /** Each list given replaces that environment's default list; environments left out keep theirs. */
  values: z
    .strictObject({ PRODUCTION: valueList.optional(), STAGING: valueList.optional(), DEVELOPMENT: valueList.optional() })
    .default({})
    .transform((given) => Object.fromEntries(NAMED_ENVIRONMENTS.map((env) => [env, given[env] ?? [...DEFAULT_ENVIRONMENT_VALUES[env]]])) as Record<NamedEnvironment, string[]>)
    .superRefine((values, ctx) => {
      const owner = new Map<string, NamedEnvironment>();
      for (const env of NAMED_ENVIRONMENTS) {
        for (const value of values[env]) {
          const other = owner.get(value);
          if (other && other !== env) ctx.addIssue({ code: 'custom', path: [env], message: `"${value}" is also listed under ${other}; a value can name one environment only` });
          owner.set(value, env);
        }
      }
    }),
  namePatterns: z.array(namePattern).max(50).default([]),
  /** What a deployment no step decides is in: the vendor's own notion (`VENDOR`), or one fixed environment. */
  otherwise: z.enum(['VENDOR', ...DEPLOYMENT_ENVIRONMENTS]).default('VENDOR'),
});

/** The rule as IT ops write it (every member optional). */
export type EnvironmentRuleInput = z.input<typeof environmentRuleSchema>;
/** The rule with its defaults applied. */
export type EnvironmentRule = z.output<typeof environmentRuleSchema>;

/** What a connector knows about one deployment. */
export interface DeploymentEvidence {
  name: string;
  tags: Readonly<Record<string, string>>;
  /** The vendor's own word for where it runs (DataRobot prediction environment, MLflow alias or stage); null when none. */
  vendorEnvironment: string | null;
  /** The vendor's own production notion: the environment to assume when the rule decides nothing. */
  vendorDefault: DeploymentEnvironment;
  /** Live at the vendor: takes traffic (SageMaker InService, DataRobot active, Domino Running, an MLflow alias). */
  active: boolean;
}

export interface EnvironmentVerdict {
  environment: DeploymentEnvironment;
  /** The text the environment was read from: the rule's tag value, else the vendor's own word; null when neither. */
  environmentRaw: string | null;
  /** Active at the vendor AND in PRODUCTION. */
  servingProduction: boolean;
}

export type EnvironmentClassifier = (evidence: DeploymentEvidence) => EnvironmentVerdict;

/** A classifier for one source's rule (the default rule when the source sets none). */
export function compileEnvironmentRule(rule: EnvironmentRule | undefined): EnvironmentClassifier {
  const { tagKeys, values, namePatterns, otherwise } = rule ?? environmentRuleSchema.parse({});
  const keys = tagKeys.map((key) => key.toLowerCase());
  // Longest first: the first value found in a text is the one that wins.
  const listed = NAMED_ENVIRONMENTS.flatMap((environment) => values[environment].map((value) => ({ value, environment }))).sort((a, b) => b.value.length - a.value.length);
  const patterns = namePatterns.map(({ pattern, environment }) => ({ regex: new RegExp(pattern, 'i'), environment }));
  const lookUp = (text: string): NamedEnvironment | null => {
    const lower = text.toLowerCase();
    return listed.find(({ value }) => containsWords(lower, value))?.environment ?? null;
  };

  return (evidence) => {
    const tagged = ruleTagValue(evidence.tags, keys);
    const environment = ((): DeploymentEnvironment => {
      if (tagged !== null) return lookUp(tagged) ?? 'UNKNOWN';
      const named = patterns.find(({ regex }) => regex.test(evidence.name));
      if (named) return named.environment;
      const vendorWord = evidence.vendorEnvironment === null ? null : lookUp(evidence.vendorEnvironment);
      if (vendorWord) return vendorWord;
      return otherwise === 'VENDOR' ? evidence.vendorDefault : otherwise;
    })();
    return { environment, environmentRaw: tagged ?? evidence.vendorEnvironment, servingProduction: evidence.active && environment === 'PRODUCTION' };
  };
}

/** The value of the first rule key (lower-cased) the tags carry with a non-blank value; keys compare case-insensitively. */
function ruleTagValue(tags: Readonly<Record<string, string>>, keys: readonly string[]): string | null {
  const present = new Map<string, string>();
  // Sorted, so of two keys differing only in case the same one wins on every run.
  for (const key of Object.keys(tags).sort()) {
    const value = tags[key].trim();
    if (value !== '' && !present.has(key.toLowerCase())) present.set(key.toLowerCase(), value);
  }
  for (const key of keys) {
    const value = present.get(key);
    if (value !== undefined) return value;
  }
  return null;
}

const WORD_CHARACTER = /[\p{L}\p{N}]/u;

/** `text` holds `value` with no letter or digit right before or after it. */
function containsWords(text: string, value: string): boolean {
  for (let at = text.indexOf(value); at !== -1; at = text.indexOf(value, at + 1)) {
    const before = at === 0 ? '' : text[at - 1];
    const after = text[at + value.length] ?? '';
    if (!WORD_CHARACTER.test(before) && !WORD_CHARACTER.test(after)) return true;
  }
  return false;
}

function regexProblem(pattern: string): string | null {
  try {
    new RegExp(pattern, 'i');
  } catch (error) {
    return (error as Error).message;
  }
  // JavaScript regexes backtrack without limit: a repeated group that itself repeats, like (a+)+, can take exponential
  // time on a name crafted for it, and would stall the source's sync.
  return repeatsARepeatedGroup(pattern) ? 'a repeated group must not itself contain a repetition, e.g. (a+)+' : null;
}

/** Star height above one: a quantifier (`*`, `+`, `{n,}`, `{n,m}`) applied to a group that holds one. */
function repeatsARepeatedGroup(pattern: string): boolean {
  const open: boolean[] = []; // per open group: whether it holds a repetition
  let closedGroupRepeats: boolean | null = null; // the group just closed, while the next token may quantify it
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    const previous = closedGroupRepeats;
    closedGroupRepeats = null;
    if (c === '\\') {
      i++;
    } else if (c === '[') {
      // A class is one token; quantifier characters inside it are literals.
      for (i++; i < pattern.length && pattern[i] !== ']'; i++) if (pattern[i] === '\\') i++;
    } else if (c === '(') {
      open.push(false);
    } else if (c === ')') {
      closedGroupRepeats = open.pop() ?? false;
      if (closedGroupRepeats && open.length > 0) open[open.length - 1] = true;
    } else if (c === '*' || c === '+' || (c === '{' && /^\{\d*,\d*\}/.test(pattern.slice(i)))) {
      if (previous) return true;
      if (open.length > 0) open[open.length - 1] = true;
    }
  }
  return false;
}
