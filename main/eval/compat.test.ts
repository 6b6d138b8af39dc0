import { describe, expect, it } from 'vitest';
import { pyFormatFixed, pyRemoveWhitespace, pyRstrip, pySplit } from './compat';

// Expected values are what CPython 3.11 returns for the same calls.
describe('pySplit', () => {
  it('splits like str.split() with no argument', () => {
    expect(pySplit('')).toEqual([]);
    expect(pySplit('   ')).toEqual([]);
    expect(pySplit('  a  b ')).toEqual(['a', 'b']);
    expect(pySplit('a\tb\nc\rd\ve\ff')).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    // U+001C..U+001F and U+0085 are whitespace in Python, not in JavaScript's \s ...
    expect(pySplit('a\u001cb\u001fc\u0085d')).toEqual(['a', 'b', 'c', 'd']);
    // ... and U+FEFF is whitespace in JavaScript, not in Python.
    expect(pySplit('a\ufeffb')).toEqual(['a\ufeffb']);
    expect(pySplit('a\u00a0b\u2009c\u3000d\u2028e')).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});

describe('pyRstrip / pyRemoveWhitespace', () => {
  it('strip Python whitespace only', () => {
    expect(pyRstrip('  a b \t\n\u0085')).toBe('  a b');
    expect(pyRstrip('a\ufeff')).toBe('a\ufeff');
    expect(pyRemoveWhitespace(' a b\u3000c\n')).toBe('abc');
  });
});

describe('pyFormatFixed', () => {
  it("matches f'{x:.Nf}', including round-half-even on exact ties", () => {
    expect(pyFormatFixed(0.1, 2)).toBe('0.10');
    expect(pyFormatFixed(1, 2)).toBe('1.00');
    expect(pyFormatFixed(0.125, 2)).toBe('0.12'); // toFixed gives 0.13
    expect(pyFormatFixed(0.375, 2)).toBe('0.38');
    expect(pyFormatFixed(2.5, 0)).toBe('2'); // toFixed gives 3
    expect(pyFormatFixed(3.5, 0)).toBe('4');
    expect(pyFormatFixed(2.675, 2)).toBe('2.67'); // not a tie: 2.67499999...
    expect(pyFormatFixed(48.530827, 2)).toBe('48.53');
    expect(pyFormatFixed(-0.125, 2)).toBe('-0.12');
    expect(pyFormatFixed(-0, 1)).toBe('-0.0');
    expect(pyFormatFixed(0.05, 1)).toBe('0.1'); // 0.05000000000000000277 > tie
  });
});
