import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { legalForms, partyNameKey } from '../../../src/records/normalise/party-name.js';

describe('partyNameKey', () => {
  it('gives "Ets. Namukaya" and "Etablissement Namukaya SARL" the same key (matching-research scenario 4)', () => {
    expect(partyNameKey('Ets. Namukaya')).toBe('namukaya');
    expect(partyNameKey('Etablissement Namukaya SARL')).toBe('namukaya');
    expect(partyNameKey('ÉTABLISSEMENTS NAMUKAYA S.A.R.L.')).toBe('namukaya');
    expect(partyNameKey('Namukaya Sprl')).toBe('namukaya');
  });

  it.each([
    ['African Gold Refinery Ltd', 'african gold refinery'],
    ['African Gold Refinery Limited', 'african gold refinery'],
    ['Kaloti Jewellery International DMCC', 'kaloti jewellery international'],
    [
      'Coopérative des Exploitants Miniers de Rubaya (COOPERAMMA)',
      'des exploitants miniers de rubaya cooperamma',
    ],
    ['Trafigura Pte. Co., Inc.', 'trafigura pte'],
    ["L'Or du Kivu SA", 'lor du kivu'],
    ['Société Minière du Kivu', 'miniere du kivu'],
    ['  Mining   &  Co  ', 'mining'],
    ['Straße Metall GmbH', 'strasse metall'],
    ['SARL', 'sarl'],
    ['Co. Ltd', 'co ltd'],
    ['...', null],
    ['', null],
  ])('%j → %j', (name, key) => {
    expect(partyNameKey(name)).toBe(key);
  });

  it('is null for anything but a name', () => {
    expect(partyNameKey(undefined)).toBeNull();
    expect(partyNameKey(42)).toBeNull();
  });

  const word = fc.stringMatching(/^[a-z]{2,12}$/).filter((w) => !legalForms.has(w));
  const name = fc.array(word, { minLength: 1, maxLength: 5 }).map((words) => words.join(' '));
  const accents: Record<string, string> = { a: 'à', e: 'é', i: 'î', o: 'ô', u: 'ü', c: 'ç', n: 'ñ' };
  const legal = fc.constantFrom(
    'SARL',
    'Sprl',
    'Ets.',
    'Etablissement',
    'Etablissements',
    'Ltd',
    'Limited',
    'SA',
    'S.A.',
    'SAS',
    'Co.',
    'Company',
    'Inc.',
    'LLC',
    'Cooperative',
    'Coop',
    'S.A.R.L.',
  );

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        const key = partyNameKey(s);
        return key === null || partyNameKey(key) === key;
      }),
    );
  });

  it('does not change with case, accents, punctuation between words or legal forms added', () => {
    fc.assert(
      fc.property(
        name,
        fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }),
        fc.constantFrom(' ', ', ', ' - ', '. ', ' / '),
        fc.option(legal, { nil: undefined }),
        fc.option(legal, { nil: undefined }),
        (base, flips, separator, before, after) => {
          const varied = [...base]
            .map((ch, i) => {
              let c = flips[i] ? ch.toUpperCase() : ch;
              if (flips[(i + 7) % 60] && accents[ch]) c = flips[i] ? accents[ch].toUpperCase() : accents[ch];
              return c;
            })
            .join('')
            .split(' ')
            .join(separator);
          const decorated = [before, varied, after].filter(Boolean).join(' ');
          return partyNameKey(decorated) === partyNameKey(base) && partyNameKey(base) === base;
        },
      ),
    );
  });
});
