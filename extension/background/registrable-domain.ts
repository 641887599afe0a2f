/**
 * A host's registrable domain (eTLD+1) by the public suffix list's algorithm
 * (https://github.com/publicsuffix/list/wiki/Format#formal-algorithm): of the rules that match,
 * an exception wins, else the one of most labels, else the implicit `*`; the registrable domain
 * is the public suffix and one label more. ICANN and private rules alike, so that
 * a.github.io and b.github.io are two sites.
 *
 * The rules are parsed from their text (public-suffix-rules.ts) on the first call, not when
 * the service worker starts: most wake-ups never need them.
 */
import { PUBLIC_SUFFIX_RULES } from './public-suffix-rules.js';

/** The rests (labels left of the top-level label, `!` before an exception) of each top-level label. */
let rules: Map<string, Set<string>> | undefined;

function rulesOf(tld: string): Set<string> | undefined {
  if (!rules) {
    rules = new Map();
    for (const line of PUBLIC_SUFFIX_RULES.split('\n')) {
      const colon = line.indexOf(':');
      rules.set(line.slice(0, colon), new Set(colon + 1 < line.length ? line.slice(colon + 1).split(',') : []));
    }
  }
  return rules.get(tld);
}

/** A DNS name's labels (lower-case ASCII, as the URL parser gives hosts), or undefined for anything else. */
function labelsOf(host: string): string[] | undefined {
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  if (name.length === 0 || name.length > 255) return undefined;
  const labels = name.split('.');
  for (const label of labels) {
    if (!/^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/.test(label)) return undefined;
  }
  // A host that ends in a number is an IPv4 address to the URL parser, never a name.
  if (/^([0-9]+|0x[0-9a-f]*)$/.test(labels.at(-1)!)) return undefined;
  return labels;
}

/**
 * The registrable domain of `host` (a URL's `hostname`): `example.co.uk` for
 * `www.example.co.uk`; undefined for a public suffix itself (`co.uk`, `github.io`), a single
 * label (`localhost`), an IP address or anything that is not a DNS name.
 */
export function registrableDomain(host: string): string | undefined {
  const labels = labelsOf(host);
  if (!labels || labels.length < 2) return undefined;
  const last = labels.length - 1;
  const rests = rulesOf(labels[last]!);
  // The public suffix is labels[suffixStart...]: by default (rule `*`) the top-level label.
  let suffixStart = last;
  if (rests) {
    let exception = -1;
    let longest = last;
    for (let start = last - 1; start >= 0; start--) {
      const rest = labels.slice(start, last).join('.');
      if (rests.has('!' + rest)) exception = start + 1;
      const wildcard = start + 1 === last ? '*' : '*.' + labels.slice(start + 1, last).join('.');
      if (rests.has(rest) || rests.has(wildcard)) longest = start;
    }
    suffixStart = exception >= 0 ? exception : longest;
  }
  if (suffixStart === 0) return undefined;
  return labels.slice(suffixStart - 1).join('.');
}
