/**
 * The evidence pack's HTML with every text field hostile: nothing a vendor or a person wrote can open a tag, close an
 * attribute or become a clickable script link. Pure rendering: no database.
 */
import { describe, expect, it } from 'vitest';
import { VERIFY_INSTRUCTIONS, type ModelVersionEvidencePack, type PackActor } from '../../../src/reports/evidence-pack.js';
import { renderEvidencePack } from '../../../src/reports/evidence-pack.html.js';
import { link } from '../../../src/reports/pack-link.js';

const HOSTILE = `"'><script>alert(1)</script><img src=x onerror=alert(2)>&amp;`;
const at = '2026-03-02T09:00:00.000Z';
const actor: PackActor = { id: HOSTILE, name: HOSTILE, roles: [HOSTILE] };

function hostilePack(): ModelVersionEvidencePack {
  const source = { id: HOSTILE, globalId: HOSTILE, name: HOSTILE, vendor: HOSTILE };
  const finding = { id: HOSTILE, globalId: HOSTILE, kind: HOSTILE, entityKind: HOSTILE, entityId: HOSTILE, message: HOSTILE, openedAt: at, resolvedAt: at, resolution: { at, by: actor, reason: HOSTILE, seq: 3 } };
  return {
    kind: 'ModelVersionEvidencePack',
    schemaVersion: 1,
    generatedAt: at,
    generatedFor: { id: HOSTILE, name: HOSTILE },
    model: {
      id: HOSTILE,
      globalId: HOSTILE,
      name: HOSTILE,
      description: HOSTILE,
      externalId: HOSTILE,
      source,
      deepLink: link(HOSTILE, 'javascript:alert(3)'),
      vendorOwner: HOSTILE,
      riskTier: HOSTILE,
      businessUnit: HOSTILE,
      accountableOwner: HOSTILE,
      deletedAt: null,
      governanceHistory: [{ seq: 1, at, actor, field: HOSTILE, from: HOSTILE, to: { nested: HOSTILE } }],
      findings: [finding],
    },
    version: {
      id: HOSTILE,
      globalId: HOSTILE,
      version: HOSTILE,
      externalId: HOSTILE,
      description: HOSTILE,
      source,
      deepLink: link(HOSTILE, `https://vendor.example/${HOSTILE}`),
      createdBy: HOSTILE,
      vendorCreatedAt: at,
      firstSeenAt: at,
      deletedAt: null,
      observedStage: HOSTILE,
      lifecycleState: HOSTILE,
      lifecycleChangedAt: at,
      lineage: { runId: HOSTILE, experimentId: HOSTILE, experimentName: HOSTILE, commitId: HOSTILE, datasets: [{ name: HOSTILE, digest: HOSTILE, source: HOSTILE }], artifactUri: HOSTILE, params: { [HOSTILE]: HOSTILE } },
      metrics: [{ name: HOSTILE, value: 1, step: 3, timestamp: at, kind: 'VALIDATION' }],
      deployments: [{ id: HOSTILE, name: HOSTILE, environment: HOSTILE, status: HOSTILE, servingProduction: true, trafficShare: 1, endpoint: link(HOSTILE, 'data:text/html,<script>alert(4)</script>'), deepLink: link(HOSTILE, HOSTILE) }],
      lifecycleHistory: [{ seq: 2, at, actor, from: HOSTILE, to: HOSTILE, changeRequestId: HOSTILE }],
      changeRequests: [
        {
          id: HOSTILE,
          globalId: HOSTILE,
          relation: 'TARGET',
          modelVersionId: HOSTILE,
          replacesVersionId: null,
          fromState: HOSTILE,
          toState: HOSTILE,
          status: HOSTILE,
          statusReason: HOSTILE,
          requester: actor,
          justification: HOSTILE,
          evidence: [link(HOSTILE, `https://wiki.example/${HOSTILE}`)!],
          policy: { policyId: HOSTILE, revision: 1, toState: HOSTILE, policyRiskTier: HOSTILE, modelRiskTier: HOSTILE, requirements: [{ role: HOSTILE, count: 1 }] },
          createdAt: at,
          decidedAt: at,
          expiresAt: at,
          approvals: [{ decision: HOSTILE, slotRole: HOSTILE, slotIndex: 0, approver: actor, comment: HOSTILE, at }],
          writeBack: { status: HOSTILE, attempts: 1, message: HOSTILE, at },
          receipts: [{ modelVersionId: HOSTILE, fromState: HOSTILE, toState: HOSTILE, status: HOSTILE, attempts: 1, message: HOSTILE, lastError: HOSTILE, queuedAt: at, doneAt: at }],
        },
      ],
      findings: [finding],
    },
    auditTrail: [{ seq: 3, at, action: HOSTILE, entityKind: HOSTILE, entityId: HOSTILE, actor, hash: HOSTILE }],
    proof: { status: 'COVERED', lastEvent: { seq: 3, hash: HOSTILE, at, action: HOSTILE }, checkpoint: { seq: 3, headHash: HOSTILE, signedAt: at, keyId: HOSTILE, signature: HOSTILE }, verification: VERIFY_INSTRUCTIONS },
  };
}

describe('renderEvidencePack', () => {
  const page = renderEvidencePack(hostilePack());

  it('should escape every hostile value wherever it appears', () => {
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/<img/i);
    expect(page).toContain('&quot;&#39;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&amp;amp;');
    // Every tag the page has is one of the renderer's own.
    const tags = new Set([...page.matchAll(/<\/?([a-z0-9]+)/gi)].map((m) => m[1].toLowerCase()));
    const allowed = ['!doctype', 'html', 'head', 'meta', 'title', 'link', 'body', 'main', 'header', 'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'dl', 'div', 'dt', 'dd', 'span', 'a', 'time', 'section', 'strong', 'code', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'ul', 'li', 'article', 'blockquote', 'caption', 'br', 'ol', 'pre'];
    expect([...tags].filter((tag) => !allowed.includes(tag))).toEqual([]);
  });

  it('should make only http(s) URLs links, percent-encoded and escaped so they cannot leave the attribute', () => {
    const hrefs = attributes(page).filter(([name]) => name === 'href').map(([, value]) => unescape(value));
    for (const href of hrefs) expect(href).toMatch(/^(https:\/\/|\/reports\/)/);
    expect(hrefs).toContain(new URL(`https://vendor.example/${HOSTILE}`).href);
    expect(page).toContain('<code>javascript:alert(3)</code> <span class="muted">(not a web link)</span>');
  });

  it('should be nothing but well-formed tags of its own and escaped text', () => {
    // Remove every tag (attribute values quoted); any "<" left would be markup that came from a value.
    expect(page.replace(/<!doctype html>/i, '').replace(TAG, '')).not.toContain('<');
  });

  it('should have no inline style or event handler attribute', () => {
    const names = attributes(page).map(([name]) => name);
    expect(names.filter((name) => name === 'style' || name.startsWith('on'))).toEqual([]);
    expect(new Set(names)).toEqual(new Set(['lang', 'charset', 'name', 'content', 'rel', 'href', 'class', 'data-needs-credential', 'datetime', 'aria-labelledby', 'id', 'scope']));
  });
});

/** An opening or closing tag whose attribute values are all double-quoted. */
const TAG = /<\/?[a-z][a-z0-9]*(?:\s+[a-z-]+(?:="[^"<>]*")?)*\s*>/gi;

/** Every attribute of every tag: [name, raw value]. */
function attributes(html: string): Array<[string, string]> {
  return [...html.matchAll(TAG)].flatMap(([tag]) => [...tag.matchAll(/\s+([a-z-]+)(?:="([^"]*)")?/gi)].map((m): [string, string] => [m[1].toLowerCase(), m[2] ?? '']));
}

function unescape(value: string): string {
  return value.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#96;/g, '`').replace(/&amp;/g, '&');
}

describe('link', () => {
  it('should keep http(s) URLs and refuse every other scheme or relative text', () => {
    expect(link('t', 'https://example.com/a b')?.url).toBe('https://example.com/a%20b');
    expect(link('t', 'http://example.com')?.url).toBe('http://example.com/');
    for (const value of ['javascript:alert(1)', 'JAVASCRIPT:alert(1)', 'data:text/html,x', 'vbscript:x', '/relative', 'example.com', 'file:///etc/passwd']) {
      expect(link('t', value)).toEqual({ title: 't', url: null, given: value });
    }
    expect(link('t', null)).toBeNull();
  });
});
