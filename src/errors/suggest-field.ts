// Did-you-mean for unknown fields: a known name one edit away (insert, delete, substitute
// or swap two neighbours: Damerau-Levenshtein distance 1), or differing only in case.

/** True when a and b are one insertion, deletion, substitution or adjacent swap apart. */
function isOneEditApart(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1 || a === b) return false;
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length - 1;
  let endB = b.length - 1;
  while (endA >= start && endB >= start && a[endA] === b[endB]) { endA--; endB--; }
  const restA = endA - start + 1;
  const restB = endB - start + 1;
  if (restA <= 1 && restB <= 1) return true;
  // Two neighbours swapped: "imgae" vs "image".
  return restA === 2 && restB === 2 && a[start] === b[start + 1] && a[start + 1] === b[start];
}

/** The known field the unknown one most likely meant, or undefined when none is that close. */
export function suggestField(unknown: string, known: readonly string[]): string | undefined {
  const lower = unknown.toLowerCase();
  const caseOnly = known.find((k) => k.toLowerCase() === lower);
  if (caseOnly !== undefined) return caseOnly;
  return known.find((k) => isOneEditApart(unknown, k));
}
