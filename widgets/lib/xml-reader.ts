/**
 * A small XML reader for schedule files (frab/c3voc schedule.xml): elements, attributes,
 * text, CDATA, comments, the five named entities and character references. No DOM (the
 * planner's pages have DOMParser, Node has none) and no DTDs: a document type with an
 * internal subset is refused, so an entity can never expand into gigabytes. Anything not
 * well-formed throws SCHEDULE_INVALID naming the line.
 *
 * DOM-free: runs in Node and in a page.
 */
import { invalidSchedule } from './schedule-input.js';

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (its text and CDATA, not its children's), as written. */
  text: string;
}

const NAME = /[A-Za-z_:][\w.:-]*/y;
const ATTRIBUTE = /\s+([A-Za-z_:][\w.:-]*)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/y;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const MAX_DEPTH = 64;

/** Text with its references replaced; `where` names the place for errors. */
function decode(text: string, where: () => string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&([^;\s&]{0,10});?/g, (match, name: string) => {
    if (!match.endsWith(';')) return invalidSchedule(`"&" not starting a reference`, where());
    if (name.startsWith('#')) {
      const code = name[1] === 'x' ? parseInt(name.slice(2), 16) : Number(name.slice(1));
      if (!Number.isInteger(code) || code < 1 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
        return invalidSchedule(`"${match}" is no character`, where());
      return String.fromCodePoint(code);
    }
    return ENTITIES[name] ?? invalidSchedule(`unknown entity "${match}"`, where());
  });
}

/** The root element of an XML document. */
export function parseXml(source: string): XmlElement {
  const text = source.replace(/^\uFEFF/, '');
  let at = 0;
  const line = () => `line ${text.slice(0, at).split('\n').length}`;
  const fail = (message: string): never => invalidSchedule(message, `XML ${line()}`);
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;

  /** Skips a comment, processing instruction or document type at `at`; whether it did. */
  const skipMarkup = (): boolean => {
    for (const [open, close] of [
      ['<!--', '-->'],
      ['<?', '?>'],
    ] as const) {
      if (!text.startsWith(open, at)) continue;
      const end = text.indexOf(close, at + open.length);
      if (end < 0) fail(`${open} is never closed`);
      at = end + close.length;
      return true;
    }
    if (!text.startsWith('<!DOCTYPE', at)) return false;
    const end = text.indexOf('>', at);
    if (end < 0) fail('<!DOCTYPE is never closed');
    if (text.slice(at, end).includes('[')) fail('a document type with declarations is not read (entities could expand without bound)');
    at = end + 1;
    return true;
  };

  while (at < text.length) {
    const open = text.indexOf('<', at);
    const chunk = text.slice(at, open < 0 ? text.length : open);
    const current = stack.at(-1);
    if (current) current.text += decode(chunk, line);
    else if (chunk.trim() !== '') fail('text outside the root element');
    if (open < 0) break;
    at = open;
    if (skipMarkup()) continue;
    if (text.startsWith('<![CDATA[', at)) {
      const end = text.indexOf(']]>', at);
      if (!current) fail('CDATA outside the root element');
      if (end < 0) fail('CDATA is never closed');
      current!.text += text.slice(at + 9, end);
      at = end + 3;
      continue;
    }
    if (text[at + 1] === '/') {
      NAME.lastIndex = at + 2;
      const name = NAME.exec(text)?.[0];
      const close = text.indexOf('>', at);
      if (name === undefined || close < 0 || text.slice(NAME.lastIndex, close).trim() !== '') fail('a malformed closing tag');
      if (current?.name !== name) fail(`</${name}> closes ${current ? `<${current.name}>` : 'nothing'}`);
      stack.pop();
      at = close + 1;
      continue;
    }
    NAME.lastIndex = at + 1;
    const name = NAME.exec(text)?.[0] ?? fail('a "<" that starts no tag');
    at = NAME.lastIndex;
    const element: XmlElement = { name, attributes: {}, children: [], text: '' };
    for (;;) {
      ATTRIBUTE.lastIndex = at;
      const match = ATTRIBUTE.exec(text);
      if (!match) break;
      at = ATTRIBUTE.lastIndex;
      const attribute = match[1]!;
      if (Object.hasOwn(element.attributes, attribute)) fail(`attribute ${attribute} given twice`);
      element.attributes[attribute] = decode(match[2] ?? match[3] ?? '', line);
    }
    const end = /\s*(\/?)>/y;
    end.lastIndex = at;
    const closing = end.exec(text) ?? fail(`a malformed tag <${name}>`);
    at = end.lastIndex;
    if (current) current.children.push(element);
    else if (root) fail('a second root element');
    else root = element;
    if (closing[1] === '') {
      if (stack.length >= MAX_DEPTH) fail(`elements nested deeper than ${MAX_DEPTH}`);
      stack.push(element);
    }
  }
  if (stack.length > 0) fail(`<${stack.at(-1)!.name}> is never closed`);
  return root ?? fail('no root element');
}

/** The first child named `name`. */
export const child = (element: XmlElement, name: string): XmlElement | undefined => element.children.find((item) => item.name === name);

/** Every child named `name`. */
export const childrenNamed = (element: XmlElement, name: string): XmlElement[] => element.children.filter((item) => item.name === name);

/** The trimmed text of the first child named `name`, or undefined when it is absent or empty. */
export function childText(element: XmlElement, name: string): string | undefined {
  const text = child(element, name)?.text.trim();
  return text === '' ? undefined : text;
}
