import { describe, expect, it } from 'vitest';
import { column } from '../../../src/exports/export-column.js';
import { csvField, csvTextField, rowFormatter } from '../../../src/exports/row-format.js';
import { negotiateEncoding } from '../../../src/http/compression.js';

const columns = [column('name', 'text', 'x', ''), column('n', 'number', 'x', ''), column('ok', 'boolean', 'x', ''), column('meta', 'json', 'x', ''), column('id', 'id', 'x', '')];

describe('rowFormatter', () => {
  describe('csv', () => {
    it('should quote per RFC 4180 and end records with CRLF', () => {
      const csv = rowFormatter('csv', columns, { bom: false });
      expect(csv.head).toBe('name,n,ok,meta,id\r\n');
      expect(csv.batch([['a, "b"\nc', '-1.5', 'true', '{"k": "v"}', '-x']])).toBe('"a, ""b""\nc",-1.5,true,"{""k"": ""v""}",-x\r\n');
    });

    it('should write NULL as an empty field and the empty string as ""', () => {
      expect(rowFormatter('csv', columns, { bom: false }).batch([[null, null, null, null, '']])).toBe(',,,,""\r\n');
    });

    it('should guard free text that a spreadsheet would run as a formula, and only free text', () => {
      for (const hostile of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx']) expect(csvTextField(hostile).replace(/^"|"$/g, '')).toMatch(/^'/);
      expect(csvTextField('=cmd|" /C calc"!A0')).toBe(`"'=cmd|"" /C calc""!A0"`);
      expect(csvTextField('model = good')).toBe('model = good');
      expect(csvField('-1')).toBe('-1');
    });

    it('should start with a byte-order mark when asked', () => {
      expect(rowFormatter('csv', columns, { bom: true }).head.startsWith('\uFEFF')).toBe(true);
    });
  });

  describe('jsonl', () => {
    it('should write one typed JSON object per line', () => {
      const line = rowFormatter('jsonl', columns, { bom: false }).batch([['=x "y"', '2', 'false', '{"k": [1]}', null], ['a', 'NaN', 'true', '[]', 'i']]);
      const [first, second, rest] = line.split('\n');
      expect(JSON.parse(first)).toEqual({ name: '=x "y"', n: 2, ok: false, meta: { k: [1] }, id: null });
      expect(JSON.parse(second)).toEqual({ name: 'a', n: 'NaN', ok: true, meta: [], id: 'i' });
      expect(rest).toBe('');
    });
  });
});

describe('negotiateEncoding', () => {
  it.each([
    [undefined, null],
    ['', null],
    ['identity', null],
    ['gzip', 'gzip'],
    ['br', 'br'],
    ['gzip, deflate, br', 'br'],
    ['br;q=0.5, gzip', 'gzip'],
    ['br;q=0, gzip;q=0', null],
    ['*', 'br'],
    ['*;q=0.1, gzip', 'gzip'],
    ['x-gzip', 'gzip'],
    ['GZIP;Q=0.9', 'gzip'],
  ])('should choose %s → %s', (header, expected) => {
    expect(negotiateEncoding(header)).toBe(expected);
  });
});
