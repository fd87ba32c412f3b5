/** application/x-www-form-urlencoded and query strings, since k6 has no URLSearchParams. */
export function formEncode(fields: Record<string, string | number | undefined>): string {
  return Object.entries(fields)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v)).replace(/%20/g, '+')}`)
    .join('&');
}

/** The parameters of a query string or form body (last one wins). */
export function formDecode(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text.replace(/^[?#]/, '').split('&')) {
    if (!pair) continue;
    const i = pair.indexOf('=');
    const key = i < 0 ? pair : pair.slice(0, i);
    const value = i < 0 ? '' : pair.slice(i + 1);
    out[decodeURIComponent(key.replace(/\+/g, ' '))] = decodeURIComponent(value.replace(/\+/g, ' '));
  }
  return out;
}

/** The query parameters of an absolute or relative URL. */
export function queryOf(url: string): Record<string, string> {
  const q = url.indexOf('?');
  if (q < 0) return {};
  const hash = url.indexOf('#', q);
  return formDecode(url.slice(q + 1, hash < 0 ? undefined : hash));
}
