import { readFileSync } from 'node:fs';
import { parse } from 'graphql';

/** A code example of a markdown file: a fenced block (with its language) or an inline code span. */
export interface CodeExample {
  /** 1-based line of the fence or the span. */
  line: number;
  /** `sh`, `graphql`, `yaml`, … for fenced blocks; `inline` for code spans. */
  lang: string;
  text: string;
}

/** Fenced blocks that name a language (unlabelled fences are diagrams), indented ones included, in document order. */
export function fencedBlocks(path: string): CodeExample[] {
  const source = readFileSync(path, 'utf8');
  const blocks: CodeExample[] = [];
  for (const match of source.matchAll(/^( *)```(\w+)\n([\s\S]*?)^\1```/gm)) {
    const [, indent, lang, body] = match;
    const text = body.split('\n').map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line)).join('\n');
    blocks.push({ line: lineOf(source, match.index), lang, text });
  }
  return blocks;
}

/** Inline code spans outside fenced blocks, in document order. */
export function inlineSpans(path: string): CodeExample[] {
  const source = readFileSync(path, 'utf8');
  const withoutBlocks = source.replace(/^( *)```[\s\S]*?^\1```/gm, (block) => block.replace(/[^\n]/g, ' '));
  return [...withoutBlocks.matchAll(/`([^`\n]+)`/g)].map((match) => ({ line: lineOf(source, match.index), lang: 'inline', text: match[1] }));
}

/** The named operations of a file's ```graphql blocks; an unnamed operation there is an error. */
export function namedOperations(path: string): Map<string, string> {
  const operations = new Map<string, string>();
  for (const block of fencedBlocks(path).filter((b) => b.lang === 'graphql')) {
    for (const operation of operationsOf(block.text)) {
      if (!operation.name) throw new Error(`a graphql block of ${path} (line ${block.line}) has an operation without a name:\n${operation.text}`);
      operations.set(operation.name, operation.text);
    }
  }
  return operations;
}

/** Each operation of a GraphQL document as written (comments and layout kept), with its name if it has one. */
export function operationsOf(document: string): Array<{ name: string | null; text: string }> {
  return parse(document).definitions.map((definition) => ({
    name: definition.kind === 'OperationDefinition' ? (definition.name?.value ?? null) : null,
    text: document.slice(definition.loc!.start, definition.loc!.end),
  }));
}

function lineOf(source: string, index: number): number {
  return source.slice(0, index).split('\n').length;
}
