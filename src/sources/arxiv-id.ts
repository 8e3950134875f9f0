// arXiv identifiers as they appear in the wild (abs/pdf URLs, `arXiv:` prefixes, version suffixes,
// old `archive/1234567` ids), reduced to the canonical id without version, so one paper read from
// the arXiv snapshot, the arXiv API, Hugging Face and Semantic Scholar is one paper in the index.

// New style since 2007: YYMM.NNNN (to 2014) or YYMM.NNNNN; old style: archive(.SUBJ)/YYMMNNN.
const NEW_ID = /^(\d{4}\.\d{4,5})(v\d+)?$/i;
const OLD_ID = /^([a-z][a-z-]*(?:\.[A-Z]{2})?\/\d{7})(v\d+)?$/i;
const URL_PREFIX = /^(?:https?:\/\/)?(?:www\.|export\.)?arxiv\.org\/(?:abs|pdf|html)\//i;

/** The canonical arXiv id (no version) in `text`, or null when it is not an arXiv id. */
export function arxivId(text: unknown): string | null {
  if (typeof text !== 'string') return null;
  const bare = text
    .trim()
    .replace(URL_PREFIX, '')
    .replace(/^arxiv:/i, '')
    .replace(/\.pdf$/i, '');
  const match = NEW_ID.exec(bare) ?? OLD_ID.exec(bare);
  return match ? match[1]! : null;
}

/** The abstract page of an arXiv paper. */
export const arxivUrl = (id: string): string => `https://arxiv.org/abs/${id}`;
