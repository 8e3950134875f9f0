// Links read out of abstract text: GitHub vs project pages, and punctuation around URLs.
import { describe, expect, it } from 'vitest';
import { extractUrls, findLinks, isGithubUrl, trimUrl } from '../../src/sources/links.ts';

describe('trimUrl', () => {
  it.each([
    ['https://github.com/junjie-shentu/AttenCraft.', 'https://github.com/junjie-shentu/AttenCraft'],
    ['https://patchrot.github.io/.', 'https://patchrot.github.io/'],
    ['https://example.org/a,', 'https://example.org/a'],
    ['https://example.org/a;', 'https://example.org/a'],
    ['https://example.org/a:', 'https://example.org/a'],
    ['https://example.org/a).', 'https://example.org/a'],
    ['https://example.org/a]', 'https://example.org/a'],
    ['https://example.org/a"', 'https://example.org/a'],
    ["https://example.org/a'", 'https://example.org/a'],
    ['https://example.org/a”.', 'https://example.org/a'],
    ['https://example.org/dir/', 'https://example.org/dir/'],
    ['https://en.wikipedia.org/wiki/Foo_(bar)', 'https://en.wikipedia.org/wiki/Foo_(bar)'],
    ['https://en.wikipedia.org/wiki/Foo_(bar)).', 'https://en.wikipedia.org/wiki/Foo_(bar)'],
  ])('%s -> %s', (raw, expected) => {
    expect(trimUrl(raw)).toBe(expected);
  });
});

describe('extractUrls', () => {
  it('finds URLs in prose, inside brackets and quotes, in order', () => {
    const text = 'Code (see https://github.com/a/b) and "https://a.io/x", also [https://b.org/y].';
    expect(extractUrls(text)).toEqual(['https://github.com/a/b', 'https://a.io/x', 'https://b.org/y']);
  });

  it('ignores a bare scheme', () => {
    expect(extractUrls('see https:// for details')).toEqual([]);
  });
});

describe('findLinks', () => {
  it('splits GitHub URLs from project URLs; github.io is a project page', () => {
    expect(findLinks('Project: https://showlab.github.io/FQGAN')).toEqual({
      github_url: null,
      project_url: 'https://showlab.github.io/FQGAN',
    });
    expect(isGithubUrl('https://gist.github.com/x/1')).toBe(true);
    expect(isGithubUrl('https://patchrot.github.io/')).toBe(false);
  });

  it('keeps the first of each kind', () => {
    const text =
      'Page: https://zyxelsa.github.io/homepage-motioncrafter. Code: https://github.com/zyxElsa/MotionCrafter. ' +
      'Mirror: https://github.com/other/repo and https://second.example.org.';
    expect(findLinks(text)).toEqual({
      github_url: 'https://github.com/zyxElsa/MotionCrafter',
      project_url: 'https://zyxelsa.github.io/homepage-motioncrafter',
    });
  });

  it('returns nulls when there is no link', () => {
    expect(findLinks('No links here.')).toEqual({ github_url: null, project_url: null });
  });
});
