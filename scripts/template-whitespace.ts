/**
 * A rollup plugin for the widgets' build: the line breaks and indentation inside Lit's
 * `html` and `css` templates become one line break. The minifier keeps template literals as
 * written, and the widgets' templates are indented and commented for reading: about 550
 * bytes of the entry's gzipped budget were indentation, 400 more the style sheets' comments
 * and spaces.
 *
 * Only the static parts of templates tagged `html`, `svg` or `css` change, and only runs of
 * whitespace that hold a line break: in markup and in style sheets such a run means what one
 * line break means (no widget template has literal text in `<pre>` or `white-space: pre`;
 * a textarea's text is always a binding). Runs within a line are left alone. Style sheets
 * also lose their comments and the whitespace around braces, semicolons and commas, and
 * after colons.
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

/** The local names that `program` imports Lit's `html`, `svg` and `css` as, and which each is. */
function tagNames(program: Node): Map<string, string> {
  const names = new Map<string, string>();
  for (const statement of program.body as Node[]) {
    if (statement.type !== 'ImportDeclaration' || !LIT.has((statement.source as { value: unknown }).value as string)) continue;
    for (const specifier of statement.specifiers as Array<Node & { imported?: { name?: string }; local: { name: string } }>) {
      const imported = specifier.imported?.name ?? '';
      if (specifier.type === 'ImportSpecifier' && TAGS.has(imported)) names.set(specifier.local.name, imported);
    }
  }
  return names;
}

/** The [start, end) ranges of the static parts of Lit's tagged templates in `program`, and whether each is a style sheet's. */
function templateParts(program: Node): Array<[number, number, boolean]> {
  const tags = tagNames(program);
  const parts: Array<[number, number, boolean]> = [];
  const visit = (node: Node): void => {
    if (node.type === 'TaggedTemplateExpression') {
      const tag = node.tag as Node & { name?: string };
      if (tag.type === 'Identifier' && tags.has(tag.name ?? '')) {
        const sheet = tags.get(tag.name ?? '') === 'css';
        for (const quasi of (node.quasi as Node & { quasis: Node[] }).quasis) parts.push([quasi.start, quasi.end, sheet]);
      }
    }
    for (const value of Object.values(node)) {
      for (const item of Array.isArray(value) ? value : [value]) if (isNode(item)) visit(item);
    }
  };
  visit(program);
  return parts;
}

const markupText = (text: string) => text.replace(/[ \t]*\n\s*/g, '\n');
/**
 * Comments go, and the whitespace around braces, semicolons and commas and after colons (no
 * widget style sheet has them in a string; in a selector a colon is never followed by space).
 */
const sheetText = (text: string) =>
  markupText(text)
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s*([{};,])\s*/g, '$1')
    .replace(/:\s+/g, ':');

export function templateWhitespace(include: (id: string) => boolean): Plugin {
  return {
    name: 'panda-kit-template-whitespace',
    transform(code, id) {
      if (!include(id) || !code.includes('`')) return null;
      const parts = templateParts(this.parse(code) as unknown as Node).sort((a, b) => b[0] - a[0]);
      let out = code;
      for (const [start, end, sheet] of parts) out = out.slice(0, start) + (sheet ? sheetText : markupText)(out.slice(start, end)) + out.slice(end);
      return out === code ? null : { code: out, map: null };
    },
  };
}
