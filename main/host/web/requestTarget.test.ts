/** Request targets are read strictly and never throw (issue 11: `//[` and `/%ff` ended the server). */
import { describe, expect, it } from 'vitest';
import { queryToken } from './requestGate';
import { MAX_TARGET_CHARS, parseRequestTarget } from './requestTarget';

describe('parseRequestTarget', () => {
  it('decodes good targets', () => {
    expect(parseRequestTarget('/')?.path).toBe('/');
    expect(parseRequestTarget('/assets/index-AbC_1.js')?.path).toBe('/assets/index-AbC_1.js');
    expect(parseRequestTarget('/caf%C3%A9')?.path).toBe('/café');
    expect(parseRequestTarget('//assets//x.js')?.path).toBe('//assets//x.js');
    const t = parseRequestTarget('/download?path=%2Fhome%2Fa%20b.tstudio&token=abc');
    expect(t?.path).toBe('/download');
    expect(t?.query.get('path')).toBe('/home/a b.tstudio');
    expect(t?.query.get('token')).toBe('abc');
  });

  it('says malformed for what made the server throw, and for its cousins', () => {
    for (const raw of [
      '//[',
      '/%ff',
      '/%',
      '/%g0',
      '/%c0%af',
      '/a%00b',
      '/a%0Ab',
      '/a b',
      '/[::1]',
      'http://evil/',
      '*',
      '',
      '/?q=%',
      '/?q=a#b',
      `/${'a'.repeat(MAX_TARGET_CHARS)}`,
    ]) {
      expect(parseRequestTarget(raw), raw).toBeUndefined();
    }
    expect(parseRequestTarget(undefined)).toBeUndefined();
  });

  it('never throws on random bytes', () => {
    let seed = 11;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 5000; i++) {
      const length = next() % 40;
      let raw = '/';
      for (let k = 0; k < length; k++) raw += String.fromCharCode(next() % 256);
      expect(() => parseRequestTarget(raw)).not.toThrow();
    }
  });
});

describe('queryToken', () => {
  it('reads the raw token= value without decoding anything', () => {
    expect(queryToken('/?token=abc')).toBe('abc');
    expect(queryToken('/ws?x=%ff&token=a-b_c')).toBe('a-b_c');
    expect(queryToken('//[?token=abc')).toBe('abc');
    expect(queryToken('/?tokens=abc')).toBeUndefined();
    expect(queryToken('/')).toBeUndefined();
    expect(queryToken(undefined)).toBeUndefined();
  });
});
