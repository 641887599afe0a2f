/** Issue 13, finding 8: page text in prompts shows its hidden and reordering characters, and long values are shortened. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { shortened, SHORT_LENGTH, visibleText } from '../../extension/ui/visible-text.js';

describe('page text as data in prompts', () => {
  test('bidi overrides, isolates, zero-width and control characters become visible markers; line breaks stay', () => {
    assert.equal(visibleText('\u202Egpj.exe'), '⟨U+202E⟩gpj.exe');
    assert.equal(visibleText('a\u2066b\u2069c\u200Bd\u0000e\u007Ff\uFEFF'), 'a⟨U+2066⟩b⟨U+2069⟩c⟨U+200B⟩d⟨U+0000⟩e⟨U+007F⟩f⟨U+FEFF⟩');
    assert.equal(visibleText('tab\there'), 'tab⟨U+0009⟩here');
    assert.equal(visibleText('two\nlines'), 'two\nlines');
    assert.equal(visibleText('Fête à Zürich 🎉'), 'Fête à Zürich 🎉');
  });

  test('long values are shortened by characters (never inside a surrogate pair), short ones kept whole', () => {
    assert.deepEqual(shortened('short'), { text: 'short', more: false });
    const long = '🎉'.repeat(SHORT_LENGTH + 5);
    const { text, more } = shortened(long);
    assert.equal(more, true);
    assert.equal([...text].length, SHORT_LENGTH + 1);
    assert.ok(text.endsWith('🎉…'));
  });
});
