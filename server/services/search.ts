// Search terms for Chinese and English text without a text index ($text is unavailable on the embedded
// engine): each document stores its terms in an indexed array, and a query must match all of its terms.
// Chinese runs become overlapping bigrams (and single characters, so one-character queries work); other
// scripts become lower-cased words.
const CJK = /[\u3400-\u9fff\uf900-\ufaff]+/g;
const WORD = /[\p{L}\p{N}]+/gu;

export function terms(text: string): string[] {
  const out = new Set<string>();
  const normalised = text.normalize('NFKC').toLowerCase();
  for (const run of normalised.match(CJK) ?? []) {
    const chars = [...run];
    if (chars.length === 1) out.add(chars[0]!);
    for (let i = 0; i + 1 < chars.length; i += 1) out.add(chars[i]! + chars[i + 1]!);
  }
  for (const word of normalised.replace(CJK, ' ').match(WORD) ?? []) out.add(word);
  return [...out];
}

/** Terms stored with a document: bigrams for matching, plus every single character so "英" finds 英语. */
export function documentTerms(...texts: string[]): string[] {
  const out = new Set<string>();
  for (const text of texts) {
    for (const term of terms(text)) out.add(term);
    for (const run of text.normalize('NFKC').match(CJK) ?? []) for (const ch of run) out.add(ch);
  }
  return [...out];
}
