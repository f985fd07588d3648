// HOOKLINE_ALLOWED_HOSTS: a mistyped keyword is refused, a bare word is accepted with a warning.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { parseAllowedHosts } from '../../src/domain/address-policy.js';

describe('HOOKLINE_ALLOWED_HOSTS typos', () => {
  test('a bare word one or two edits from a keyword is refused with the keyword it resembles', () => {
    for (const [word, keyword] of [['loopbak', 'loopback'], ['Externel', 'external'], ['privte', 'private'], ['loopbacks', 'loopback']]) {
      assert.throws(() => parseAllowedHosts(`external,${word}`), new RegExp(`^Error: "${word}" is not a keyword; did you mean "${keyword}"\\?$`), word);
    }
    assert.throws(() => loadConfig({ HOOKLINE_ALLOWED_HOSTS: 'loopbak' }), /HOOKLINE_ALLOWED_HOSTS: "loopbak" is not a keyword; did you mean "loopback"\?/);
  });

  test('a name whose last label is all digits is neither a host nor an address', () => {
    assert.throws(() => parseAllowedHosts('10.0.0'), /"10.0.0" is neither an IP address nor a host name/);
    assert.throws(() => parseAllowedHosts('8080'), /"8080" is neither/);
  });

  test('other bare words are host names with a warning; dotted names and localhost are not warned about', () => {
    const p = parseAllowedHosts('external, receiver, localhost, hooks.internal');
    assert.deepEqual([...p.hostNames], ['receiver', 'localhost', 'hooks.internal']);
    assert.deepEqual(p.warnings, ['"receiver" is taken as a host name without a domain; the keywords are external, private, loopback and *']);
    assert.deepEqual(parseAllowedHosts('external,private,loopback,*,a.b,10.0.0.0/8').warnings, []);
  });
});
