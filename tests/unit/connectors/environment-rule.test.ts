import { describe, expect, it } from 'vitest';
import type { DeploymentEvidence, EnvironmentRuleInput } from '../../../connectors/shared/environment.js';
import { compileEnvironmentRule, DEFAULT_ENVIRONMENT_VALUES, environmentRuleSchema } from '../../../connectors/shared/environment.js';

const live = (overrides: Partial<DeploymentEvidence>): DeploymentEvidence => ({ name: 'churn-endpoint', tags: {}, vendorEnvironment: null, vendorDefault: 'PRODUCTION', active: true, ...overrides });
const classify = (evidence: Partial<DeploymentEvidence>, rule?: EnvironmentRuleInput) =>
  compileEnvironmentRule(rule === undefined ? undefined : environmentRuleSchema.parse(rule))(live(evidence));

describe('environment rule', () => {
  describe('the default rule', () => {
    it.each(
      Object.entries(DEFAULT_ENVIRONMENT_VALUES).flatMap(([environment, values]) => values.map((value) => [value, environment] as const)),
    )('should read an environment tag of %s as %s', (value, environment) => {
      expect(classify({ tags: { environment: value } }).environment).toBe(environment);
    });

    it('should read environment, then env, then stage, whatever the case of the key or value', () => {
      expect(classify({ tags: { Stage: 'PROD', ENV: 'Dev' } })).toMatchObject({ environment: 'DEVELOPMENT', environmentRaw: 'Dev' });
      expect(classify({ tags: { stage: 'uat', Environment: 'Production' } })).toMatchObject({ environment: 'PRODUCTION', environmentRaw: 'Production' });
    });

    it('should match listed values as whole words and let the longest one win', () => {
      expect(classify({ tags: { env: 'eu-west-prod' } }).environment).toBe('PRODUCTION');
      expect(classify({ tags: { env: 'pre-production' } }).environment).toBe('STAGING');
      expect(classify({ tags: { env: 'prodigy' } }).environment).toBe('UNKNOWN');
      expect(classify({ tags: { env: 'latest' } }).environment).toBe('UNKNOWN');
    });

    it("should fall back on the vendor's own word, then on the vendor's production notion", () => {
      expect(classify({ vendorEnvironment: 'Staging cluster' })).toMatchObject({ environment: 'STAGING', environmentRaw: 'Staging cluster' });
      expect(classify({ vendorEnvironment: 'eks-eu-1' })).toMatchObject({ environment: 'PRODUCTION', environmentRaw: 'eks-eu-1' });
      expect(classify({ vendorDefault: 'UNKNOWN' })).toMatchObject({ environment: 'UNKNOWN', environmentRaw: null });
      expect(classify({ tags: { environment: '  ' }, vendorEnvironment: 'dev' }).environment).toBe('DEVELOPMENT');
    });

    it('should let a tag decide over the name and the vendor, and not read names by default', () => {
      expect(classify({ name: 'churn-staging', tags: { environment: 'prod' }, vendorEnvironment: 'Staging' }).environment).toBe('PRODUCTION');
      expect(classify({ name: 'churn-staging' }).environment).toBe('PRODUCTION');
    });

    it('should serve production only when active and in PRODUCTION', () => {
      expect(classify({}).servingProduction).toBe(true);
      expect(classify({ active: false }).servingProduction).toBe(false);
      expect(classify({ tags: { env: 'staging' } }).servingProduction).toBe(false);
    });
  });

  describe('name patterns that could take exponential time', () => {
    it.each(['^(a+)+$', '(x*)*', '((ab)+c){2,}', '(\\w+\\s?)*$', '(?:[a-z]+-?)+prod'])('should refuse %s', (pattern) => {
      expect(environmentRuleSchema.safeParse({ namePatterns: [{ pattern, environment: 'STAGING' }] }).success).toBe(false);
    });

    it.each(['(prod|staging)-\\d+$', '^sbx-', '[(+]+', '\\(a+\\)+', '(ab){3}', '(canary)?-v\\d+'])('should accept %s', (pattern) => {
      expect(environmentRuleSchema.safeParse({ namePatterns: [{ pattern, environment: 'STAGING' }] }).success).toBe(true);
    });
  });

  describe('a source rule', () => {
    it('should read its own tag keys, name patterns in order, and what to assume otherwise', () => {
      const rule: EnvironmentRuleInput = {
        tagKeys: ['lifecycle'],
        namePatterns: [
          { pattern: '^sbx-', environment: 'DEVELOPMENT' },
          { pattern: '-(blue|green)$', environment: 'PRODUCTION' },
          { pattern: 'green', environment: 'STAGING' },
        ],
        otherwise: 'UNKNOWN',
      };
      expect(classify({ tags: { environment: 'prod' } }, rule).environment).toBe('UNKNOWN');
      expect(classify({ tags: { lifecycle: 'qa' } }, rule).environment).toBe('STAGING');
      expect(classify({ name: 'SBX-churn' }, rule).environment).toBe('DEVELOPMENT');
      expect(classify({ name: 'churn-green' }, rule).environment).toBe('PRODUCTION');
    });

    it("should replace only the value lists it gives", () => {
      const rule = environmentRuleSchema.parse({ values: { STAGING: ['Canary', 'preprod'] } });
      expect(rule.values).toEqual({ ...DEFAULT_ENVIRONMENT_VALUES, STAGING: ['canary', 'preprod'] });
      expect(classify({ tags: { env: 'canary' } }, { values: { STAGING: ['canary'] } }).environment).toBe('STAGING');
      expect(classify({ tags: { env: 'uat' } }, { values: { STAGING: ['canary'] } }).environment).toBe('UNKNOWN');
    });

    it('should refuse an invalid regular expression, a value under two environments and an unknown member, saying where', () => {
      const issues = (rule: unknown) => environmentRuleSchema.safeParse(rule).error?.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
      expect(issues({ namePatterns: [{ pattern: '(prod', environment: 'PRODUCTION' }] })).toEqual([
        { path: 'namePatterns.0.pattern', message: expect.stringMatching(/^is not a valid regular expression \(.*Unterminated group.*\)$/) },
      ]);
      expect(issues({ values: { STAGING: ['qa'], DEVELOPMENT: ['QA'] } })).toEqual([
        { path: 'values.DEVELOPMENT', message: '"qa" is also listed under STAGING; a value can name one environment only' },
      ]);
      expect(issues({ namePatterns: [{ pattern: 'x', environment: 'LIVE' }] })?.[0].path).toBe('namePatterns.0.environment');
      expect(issues({ namePatterns: [{ pattern: '^(a+)+$', environment: 'STAGING' }] })).toEqual([
        { path: 'namePatterns.0.pattern', message: 'is not a valid regular expression (a repeated group must not itself contain a repetition, e.g. (a+)+)' },
      ]);
      expect(issues({ tagkeys: ['env'] })?.[0].message).toMatch(/tagkeys/);
    });
  });
});
