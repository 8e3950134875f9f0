// LaTeX accents and special letters in author names → Unicode (NFC).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeLatex } from '../../src/sources/latex.ts';
import { formatSample } from '../support/shared.ts';

describe('decodeLatex', () => {
  it.each([
    // Symbol accents, bare, braced after the command, and braced around the whole thing.
    [String.raw`Bal\'azs`, 'Balázs'],
    [String.raw`Tom\`as`, 'Tomàs'],
    [String.raw`Ma\^{\i}tre`, 'Maître'],
    [String.raw`M\"uller`, 'Müller'],
    [String.raw`M\"{u}ller`, 'Müller'],
    [String.raw`M{\"u}ller`, 'Müller'],
    [String.raw`M{\"{u}}ller`, 'Müller'],
    [String.raw`Nu\~nez`, 'Nuñez'],
    [String.raw`\=Ota`, 'Ōta'],
    [String.raw`\.Zak`, 'Żak'],
    [String.raw`\' Etienne`, 'Étienne'],
    // Letter accents: braced or separated by a space.
    [String.raw`Do\u{g}an`, 'Doğan'],
    [String.raw`Vina\v{r}`, 'Vinař'],
    [String.raw`\v{S}r\'amek`, 'Šrámek'],
    [String.raw`Erd\H{o}s`, 'Erdős'],
    [String.raw`Fran\c{c}ois`, 'François'],
    [String.raw`Fran\c cois`, 'François'],
    [String.raw`Mi\k{e}dzy`, 'Między'],
    [String.raw`\r{A}ngstr\"om`, 'Ångström'],
    // Dotless i/j as accent bases: the accent replaces the dot.
    [String.raw`Mart\'{\i}nez`, 'Martínez'],
    [String.raw`Mart\'\i nez`, 'Martínez'],
    [String.raw`Mart{\'{\i}}nez`, 'Martínez'],
    [String.raw`Mart\'inez`, 'Martínez'],
    // Special letters, with the space or empty group TeX eats after a control word.
    [String.raw`Gau\ss`, 'Gauß'],
    [String.raw`Gro\ss e`, 'Große'],
    [String.raw`{\O}bro`, 'Øbro'],
    [String.raw`\O{}bro`, 'Øbro'],
    [String.raw`Ha{\o}kon`, 'Haøkon'],
    [String.raw`{\AA}ke \aa s`, 'Åke ås'],
    [String.raw`S{\ae}ther`, 'Sæther'],
    [String.raw`{\L}ukasz Bia{\l}y`, 'Łukasz Biały'],
    [String.raw`\i`, 'ı'],
    [String.raw`Smith \& Sons`, 'Smith & Sons'],
    // Grouping braces and style commands go; ties become spaces; unknown commands and dashes stay.
    [String.raw`{van der Berg}, J.`, 'van der Berg, J.'],
    ['J.~Smith', 'J. Smith'],
    [String.raw`\textsc{Smith} \emph{Jones}`, 'Smith Jones'],
    [String.raw`\foo{Smith}`, String.raw`\foo{Smith}`],
    ['Jean--Pierre', 'Jean--Pierre'],
    // Already Unicode, in decomposed form: composed (NFC).
    ['Bal{a\u0301}zs', 'Balázs'],
    ['Plain Name', 'Plain Name'],
  ])('%s → %s', (input, expected) => {
    expect(decodeLatex(input)).toBe(expected);
  });

  it('returns NFC text', () => {
    const out = decodeLatex(String.raw`\"o\'e\v{c}`);
    expect(out).toBe('öéč');
    expect(out).toBe(out.normalize('NFC'));
    expect(out).toHaveLength(3);
  });

  it('decodes every accented author string of the real arXiv snapshot sample to its authors_parsed spelling', () => {
    const lines = readFileSync(formatSample('arxiv-kaggle/arxiv-metadata-oai-snapshot.json'), 'utf8').split('\n').filter(Boolean);
    const accented = lines
      .map((line) => JSON.parse(line) as { id: string; authors: string; authors_parsed: string[][] })
      .filter((record) => /[\\{]/.test(record.authors));
    expect(accented.map((record) => record.id)).toEqual(['0704.0001', '0704.0028', '0704.0032', '0704.0049', '0704.0062']);
    for (const record of accented) {
      const decoded = decodeLatex(record.authors);
      // arXiv's own decoding of the same names (last names, and the first names that carry accents).
      for (const [last, first] of record.authors_parsed) {
        expect(decoded).toContain(last);
        if (/[^\x00-\x7f]/.test(first!)) expect(decoded).toContain(first);
      }
    }
    expect(decodeLatex(String.raw`Rastislav \v{S}r\'amek, Bro\v{n}a Brejov\'a, Tom\'a\v{s} Vina\v{r}`)).toBe('Rastislav Šrámek, Broňa Brejová, Tomáš Vinař');
  });
});
