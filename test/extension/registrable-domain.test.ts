/**
 * The service worker's registrable domains (extension/background/registrable-domain.ts)
 * against tldts, the library whose list they carry: the same answer for every rule of the
 * list (the suffix itself, one and two labels more), for hosts the URL parser makes of odd
 * origins, and for random names built from the list's labels; and the rules' module is the
 * one scripts/public-suffix-rules.ts writes from the tldts installed.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { getDomain } from 'tldts';
import { siteOf } from '../../extension/background/approvals.js';
import { PUBLIC_SUFFIX_RULES } from '../../extension/background/public-suffix-rules.js';
import { registrableDomain } from '../../extension/background/registrable-domain.js';
import { OUTPUT, publicSuffixModule, publicSuffixText } from '../../scripts/public-suffix-rules.js';

const tldts = (host: string) => getDomain(host, { allowPrivateDomains: true }) ?? undefined;

/** Every rule of the list as written (`*.ck`, `!www.ck`, `co.uk`). */
function listedRules(): string[] {
  return PUBLIC_SUFFIX_RULES.split('\n').flatMap((line) => {
    const [tld, rests] = line.split(':') as [string, string];
    return [tld, ...(rests === '' ? [] : rests.split(',').map((rest) => (rest.startsWith('!') ? `!${rest.slice(1)}.${tld}` : `${rest}.${tld}`)))];
  });
}

describe('registrable domains', () => {
  it('the rules are those of the tldts installed (npm run public-suffix-rules writes them)', async () => {
    const { version, text } = await publicSuffixText();
    assert.ok(
      readFileSync(OUTPUT, 'utf8') === publicSuffixModule(version, text),
      `extension/background/public-suffix-rules.ts is not that of tldts ${version}`,
    );
  });

  it('agree with tldts for every rule, one and two labels more', () => {
    const rules = listedRules();
    assert.ok(rules.length > 10_000, `${rules.length} rules`);
    let compared = 0;
    for (const rule of rules) {
      const name = rule.replace(/^!/, '').replace(/^\*\./, 'wild.');
      for (const host of [name, `a.${name}`, `b.a-1.${name}`, `${name}.`]) {
        assert.equal(registrableDomain(host), tldts(host), host);
        compared++;
      }
    }
    assert.ok(compared > 40_000);
  });

  it('agree with tldts for random names made of the list’s labels', () => {
    const labels = [...new Set(listedRules().flatMap((rule) => rule.replace(/^!/, '').split('.')))].filter((label) => label !== '*');
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 20_000; i++) {
      const host = Array.from({ length: 1 + Math.floor(random() * 5) }, () => labels[Math.floor(random() * labels.length)]!).join('.');
      assert.equal(registrableDomain(host), tldts(host), host);
    }
  });

  it('a site is the registrable domain of the origin, else its host (IP addresses, localhost, odd names)', () => {
    const origins = [
      'https://s1.attacker.co.uk',
      'https://www.example.com',
      'http://example.com.:8080',
      'https://a.github.io',
      'https://github.io',
      'https://münchen.de',
      'https://xn--80ak6aa92e.com',
      'http://x..co.uk',
      'http://a_b.example.com',
      'http://-a.example.com',
      'http://a-.example.com',
      `http://${'a'.repeat(63)}.com`,
      `http://${'a'.repeat(64)}.com`,
      `http://${'abc.'.repeat(64)}com`,
      'http://127.0.0.1:8080',
      'http://0x7f.1',
      'http://[::1]:8',
      'http://localhost:3000',
      'http://city.kawasaki.jp',
      'http://x.city.kawasaki.jp',
      'http://b.a.city.sapporo.jp',
      'http://a.b.ck',
      'http://www.ck',
      'https://1.2.3.4.example',
      'chrome-extension://abcdefghijklmnop',
    ];
    for (const origin of origins) {
      const host = new URL(origin).hostname;
      assert.equal(siteOf(origin), tldts(host) ?? host, origin);
    }
    assert.equal(siteOf('https://s1.attacker.co.uk'), 'attacker.co.uk');
    assert.equal(siteOf('https://a.github.io'), 'a.github.io');
    assert.equal(siteOf('not an origin'), 'not an origin');
  });
});
