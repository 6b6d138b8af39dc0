/**
 * Writes resources/sample/sample.{en,de}: a small English-German corpus of our own, made from
 * a tiny grammar with German gender, number and article agreement (der rote Hund / eine rote
 * Katze / zwei rote Hunde), so a tiny Transformer visibly learns something in a minute.
 * Deterministic: `npx tsx scripts/makeSampleCorpus.ts` always writes the same files.
 */
import { writeFileSync } from 'node:fs';
import { seededRandom } from '../shared/random';

type Gender = 'm' | 'f' | 'n';
const NOUNS: { en: string; enPl: string; de: string; dePl: string; g: Gender }[] = [
  { en: 'dog', enPl: 'dogs', de: 'Hund', dePl: 'Hunde', g: 'm' },
  { en: 'cat', enPl: 'cats', de: 'Katze', dePl: 'Katzen', g: 'f' },
  { en: 'child', enPl: 'children', de: 'Kind', dePl: 'Kinder', g: 'n' },
  { en: 'man', enPl: 'men', de: 'Mann', dePl: 'Männer', g: 'm' },
  { en: 'woman', enPl: 'women', de: 'Frau', dePl: 'Frauen', g: 'f' },
  { en: 'horse', enPl: 'horses', de: 'Pferd', dePl: 'Pferde', g: 'n' },
  { en: 'bird', enPl: 'birds', de: 'Vogel', dePl: 'Vögel', g: 'm' },
  { en: 'girl', enPl: 'girls', de: 'Mädchen', dePl: 'Mädchen', g: 'n' },
  { en: 'boy', enPl: 'boys', de: 'Junge', dePl: 'Jungen', g: 'm' },
];
const ADJECTIVES: [string, string][] = [
  ['red', 'rot'],
  ['small', 'klein'],
  ['big', 'groß'],
  ['old', 'alt'],
  ['young', 'jung'],
  ['happy', 'glücklich'],
  ['black', 'schwarz'],
  ['white', 'weiß'],
];
/** English singular, English plural, German singular (3rd person), German plural. */
const VERBS: [string, string, string, string][] = [
  ['sleeps', 'sleep', 'schläft', 'schlafen'],
  ['runs', 'run', 'läuft', 'laufen'],
  ['eats', 'eat', 'isst', 'essen'],
  ['plays', 'play', 'spielt', 'spielen'],
  ['sings', 'sing', 'singt', 'singen'],
  ['waits', 'wait', 'wartet', 'warten'],
  ['laughs', 'laugh', 'lacht', 'lachen'],
  ['swims', 'swim', 'schwimmt', 'schwimmen'],
];
const PLACES: [string, string][] = [
  ['in the garden', 'im Garten'],
  ['on the street', 'auf der Straße'],
  ['in the park', 'im Park'],
  ['by the river', 'am Fluss'],
  ['in the snow', 'im Schnee'],
  ['on the beach', 'am Strand'],
];

type Article = 'the' | 'a' | 'thePlural' | 'two';
const DEFINITE: Record<Gender, string> = { m: 'der', f: 'die', n: 'das' };
const INDEFINITE: Record<Gender, string> = { m: 'ein', f: 'eine', n: 'ein' };
/** Adjective endings, nominative: weak after der/die/das, mixed after ein/eine. */
const MIXED_ENDING: Record<Gender, string> = { m: 'er', f: 'e', n: 'es' };

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function samplePair(pick: <T>(xs: readonly T[]) => T): [string, string] {
  const noun = pick(NOUNS);
  const [adjEn, adjDe] = pick(ADJECTIVES);
  const [vEn, vEnPl, vDe, vDePl] = pick(VERBS);
  const [placeEn, placeDe] = pick(PLACES);
  const article = pick<Article>(['the', 'a', 'thePlural', 'two']);
  switch (article) {
    case 'the':
      return [
        `The ${adjEn} ${noun.en} ${vEn} ${placeEn}.`,
        `${capitalise(DEFINITE[noun.g])} ${adjDe}e ${noun.de} ${vDe} ${placeDe}.`,
      ];
    case 'a':
      return [
        `${/^[aeiou]/.test(adjEn) ? 'An' : 'A'} ${adjEn} ${noun.en} ${vEn} ${placeEn}.`,
        `${capitalise(INDEFINITE[noun.g])} ${adjDe}${MIXED_ENDING[noun.g]} ${noun.de} ${vDe} ${placeDe}.`,
      ];
    case 'thePlural':
      return [
        `The ${adjEn} ${noun.enPl} ${vEnPl} ${placeEn}.`,
        `Die ${adjDe}en ${noun.dePl} ${vDePl} ${placeDe}.`,
      ];
    case 'two':
      return [
        `Two ${adjEn} ${noun.enPl} ${vEnPl} ${placeEn}.`,
        `Zwei ${adjDe}e ${noun.dePl} ${vDePl} ${placeDe}.`,
      ];
  }
}

function main(): void {
  const random = seededRandom(2017);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const seen = new Set<string>();
  const en: string[] = [];
  const de: string[] = [];
  while (en.length < 3000) {
    const [e, d] = samplePair(pick);
    if (seen.has(e)) continue;
    seen.add(e);
    en.push(e);
    de.push(d);
  }
  writeFileSync('resources/sample/sample.en', `${en.join('\n')}\n`);
  writeFileSync('resources/sample/sample.de', `${de.join('\n')}\n`);
  console.log(`Wrote ${en.length} pairs to resources/sample/sample.{en,de}.`);
}

main();
