import type { Exchange } from '../core/http.ts';

/** An exchange as a reader would write it down: the request line, headers, body, then the answer. */
export function exchangeText(e: Exchange, index: number): string {
  const lines = [`#${index + 1} ${e.method} ${e.url}`];
  lines.push(...headerLines(e.requestHeaders));
  if (e.requestBody !== undefined && e.requestBody !== '') lines.push('', e.requestBody);
  lines.push('');
  if (e.error) {
    lines.push(`→ no answer after ${e.durationMs} ms: ${e.error}`);
    return lines.join('\n');
  }
  lines.push(`→ ${e.status} (${e.durationMs} ms)`);
  lines.push(...headerLines(e.responseHeaders));
  if (e.responseBody !== '') lines.push('', e.responseBody);
  return lines.join('\n');
}

export function exchangesText(exchanges: readonly Exchange[]): string {
  return exchanges.map(exchangeText).join('\n\n');
}

function headerLines(headers: Record<string, string>): string[] {
  return Object.entries(headers).flatMap(([name, value]) => value.split('\n').map((v) => `${name}: ${v}`));
}
