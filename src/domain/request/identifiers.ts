/**
 * Standard numbers of a citation, checked by their check digits so that a typo is caught when the request is made,
 * not when a lender cannot find the item. Hyphens and spaces are ignored; the digits are kept as written
 * (leading zeros matter to lenders' systems).
 */

/** ISBN-10 (mod 11, X = 10) or ISBN-13 (mod 10, weights 1 and 3). */
export function isbnProblem(text: string): string | undefined {
  const isbn = text.replace(/[\s-]/g, '').toUpperCase();
  if (/^\d{9}[\dX]$/.test(isbn)) {
    const sum = [...isbn].reduce((total, c, i) => total + (c === 'X' ? 10 : Number(c)) * (10 - i), 0);
    return sum % 11 === 0 ? undefined : `${JSON.stringify(text)} is not a valid ISBN: its check digit does not match`;
  }
  if (/^97[89]\d{10}$/.test(isbn)) {
    const sum = [...isbn].reduce((total, c, i) => total + Number(c) * (i % 2 === 0 ? 1 : 3), 0);
    return sum % 10 === 0 ? undefined : `${JSON.stringify(text)} is not a valid ISBN: its check digit does not match`;
  }
  return `${JSON.stringify(text)} is not an ISBN: use 10 digits (the last may be X) or 13 digits starting 978 or 979`;
}

/** ISSN: 8 characters, mod 11 with weights 8…2, X = 10. */
export function issnProblem(text: string): string | undefined {
  const issn = text.replace(/[\s-]/g, '').toUpperCase();
  if (!/^\d{7}[\dX]$/.test(issn)) return `${JSON.stringify(text)} is not an ISSN: use 8 characters such as 0028-0836`;
  const sum = [...issn].reduce((total, c, i) => total + (c === 'X' ? 10 : Number(c)) * (8 - i), 0);
  return sum % 11 === 0 ? undefined : `${JSON.stringify(text)} is not a valid ISSN: its check digit does not match`;
}

/** OCLC numbers are digits, often written with a prefix: (OCoLC), ocm, ocn or on. */
export function normalizeOclcNumber(text: string): string | undefined {
  const match = /^(?:\(OCoLC\)|ocm|ocn|on)?\s*(\d{1,15})$/i.exec(text.trim());
  return match?.[1];
}

export function oclcProblem(text: string): string | undefined {
  return normalizeOclcNumber(text) === undefined ? `${JSON.stringify(text)} is not an OCLC number: use its digits, such as 12345678 or (OCoLC)12345678` : undefined;
}
