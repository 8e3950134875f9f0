// Title slug rule: must match the ids used by the evaluation queries exactly.
import { describe, expect, it } from 'vitest';
import { MAX_SLUG_LENGTH, titleSlug } from '../../src/sources/slug.ts';

describe('titleSlug', () => {
  it('follows the documented example', () => {
    expect(titleSlug('SF(DA)$^2$: Source-free Domain Adaptation Through the Lens of Data Augmentation')).toBe(
      'sf-da-2-source-free-domain-adaptation-through-the-lens-of-data-augmentation',
    );
  });

  it('collapses runs of other characters and trims dashes at both ends', () => {
    expect(titleSlug('  --Hello,   World!!  ')).toBe('hello-world');
    expect(titleSlug("What's in a Prior?")).toBe('what-s-in-a-prior');
  });

  it('cuts to 80 characters', () => {
    const slug = titleSlug('AttenCraft: Attention-guided Disentanglement of Multiple Concepts for Text-to-Image Customization');
    expect(slug).toBe('attencraft-attention-guided-disentanglement-of-multiple-concepts-for-text-to-ima');
    expect(slug).toHaveLength(MAX_SLUG_LENGTH);
  });

  it('trims a dash left at the end by the cut', () => {
    // 79 letters, then a space that becomes the 80th character.
    const title = `${'a'.repeat(79)} tail`;
    expect(titleSlug(title)).toBe('a'.repeat(79));
    expect(titleSlug(title).endsWith('-')).toBe(false);
  });

  it('treats accented and non-Latin letters as separators', () => {
    expect(titleSlug('Café Über Naïve')).toBe('caf-ber-na-ve');
    expect(titleSlug('Résumé ① 深度学习 test')).toBe('r-sum-test');
  });

  it('gives an empty slug when nothing is left', () => {
    expect(titleSlug('深度学习')).toBe('');
    expect(titleSlug('---')).toBe('');
  });
});
