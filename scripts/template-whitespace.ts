/**
 * A rollup plugin for the widgets' build: the line breaks and indentation inside Lit's
 * `html` and `css` templates become one line break. The minifier keeps template literals as
 * written, and the widgets' templates are indented for reading: about 550 bytes of the
 * entry's gzipped budget were indentation.
 *
 * Only the static parts of templates tagged `html`, `svg` or `css` change, and only runs of
 * whitespace that hold a line break: in markup and in style sheets such a run means what one
 * line break means (no widget template has literal text in `<pre>` or `white-space: pre`;
 * a textarea's text is always a binding). Runs within a line are left alone.
 *
 * It runs after the TypeScript is stripped (place it after the esbuild plugin), on the ESTree
 * that rollup parses; the tags are found by what they are imported as from Lit, as the
 * esbuild plugin already renames them.
 */
import type { Plugin } from 'rollup';

const TAGS = new Set(['html', 'svg', 'css']);
const LIT = new Set(['lit', 'lit-html', 'lit-element']);

interface Node {
  type: string;
  start: number;
  end: number;
  [key: string]: unknown;
}

const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && typeof (value as Node).type === 'string';

/** The local names that `program` imports Lit's `html`, `svg` and `css` as. */
function tagNames(program: Node): Set<string> {
  const names = new Set<string>();
  for (const statement of program.body as Node[]) {
    if (statement.type !== 'ImportDeclaration' || !LIT.has((statement.source as { value: unknown }).value as string)) continue;
    for (const specifier of statement.specifiers as Array<Node & { imported?: { name?: string }; local: { name: string } }>) {
      if (specifier.type === 'ImportSpecifier' && TAGS.has(specifier.imported?.name ?? '')) names.add(specifier.local.name);
    }
  }
  return names;
}

/** The [start, end) ranges of the static parts of Lit's tagged templates in `program`. */
function templateParts(program: Node): Array<[number, number]> {
  const tags = tagNames(program);
  const parts: Array<[number, number]> = [];
  const visit = (node: Node): void => {
    if (node.type === 'TaggedTemplateExpression') {
      const tag = node.tag as Node & { name?: string };
      if (tag.type === 'Identifier' && tags.has(tag.name ?? '')) {
        for (const quasi of (node.quasi as Node & { quasis: Node[] }).quasis) parts.push([quasi.start, quasi.end]);
      }
    }
    for (const value of Object.values(node)) {
      for (const item of Array.isArray(value) ? value : [value]) if (isNode(item)) visit(item);
    }
  };
  visit(program);
  return parts;
}

export function templateWhitespace(include: (id: string) => boolean): Plugin {
  return {
    name: 'panda-kit-template-whitespace',
    transform(code, id) {
      if (!include(id) || !code.includes('`')) return null;
      const parts = templateParts(this.parse(code) as unknown as Node).sort((a, b) => b[0] - a[0]);
      let out = code;
      for (const [start, end] of parts) out = out.slice(0, start) + out.slice(start, end).replace(/[ \t]*\n\s*/g, '\n') + out.slice(end);
      return out === code ? null : { code: out, map: null };
    },
  };
}
