import { parse } from 'node-html-parser';
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../src/report/html.ts';
import { fixtureReport, HOSTILE } from './support/report-fixture.ts';

describe('renderHtml', () => {
  const html = renderHtml(fixtureReport());
  const doc = parse(html);

  it('is one self-contained page: inline CSS, no scripts, nothing fetched', () => {
    expect(doc.querySelectorAll('script')).toHaveLength(0);
    expect(doc.querySelectorAll('link')).toHaveLength(0);
    expect(doc.querySelectorAll('[src]')).toHaveLength(0);
    expect(doc.querySelectorAll('a').every((a) => a.getAttribute('href')?.startsWith('#'))).toBe(true);
    expect(doc.querySelector('style')?.text).not.toMatch(/url\(|@import/);
    expect(doc.querySelector('style')?.text).toContain('.exchange');
    expect(doc.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content')).toBe("default-src 'none'; style-src 'unsafe-inline'");
  });

  it('opens with the verdict and the totals by suite', () => {
    expect(doc.querySelector('h1')?.text).toBe('CieID conformance failed');
    expect(doc.querySelector('.meta')?.text).toContain('http://127.0.0.1:9/');
    const totals = doc.querySelectorAll('.totals .total').map((t) => t.text);
    expect(totals).toEqual(['1passed', '1failed', '1errors', '3checks']);
    const rows = doc.querySelectorAll('table.summary tbody tr').map((r) => r.querySelectorAll('td').map((c) => c.text));
    expect(rows).toEqual([
      ['metadata', '1', '0', '0', '1'],
      ['oidc', '0', '1', '1', '2'],
    ]);
    expect(doc.querySelectorAll('.not-passed li a').map((a) => a.getAttribute('href'))).toEqual(['#check-C-23', '#check-C-24']);
  });

  it('shows each check with its outcome, what it covers and its duration', () => {
    const row = doc.getElementById('check-C-24')!;
    expect(row.classList.contains('is-error')).toBe(true);
    expect(row.querySelectorAll('code').map((c) => c.text)).toEqual(['C-24', 'R-TOK-1']);
    expect(row.querySelector('.time')?.text).toBe('2 ms');
    expect(doc.getElementById('check-C-1')!.classList.contains('is-passed')).toBe(true);
    expect(doc.getElementById('check-C-23')!.querySelector('.time')?.text).toBe('1.5 s');
  });

  it('shows the HTTP exchanges of a failure as text, however hostile', () => {
    const detail = doc.getElementById('check-C-23')!.nextElementSibling!;
    expect(detail.querySelector('.message')?.text).toBe(`expected status 405, but it answered 200: ${HOSTILE}`);
    const exchanges = detail.querySelectorAll('details.exchange');
    expect(exchanges).toHaveLength(2);
    expect(exchanges[0]!.getAttribute('open')).toBeUndefined();
    expect(exchanges[1]!.hasAttribute('open')).toBe(true);
    expect(exchanges[1]!.querySelector('summary')?.text).toContain('POST http://127.0.0.1:9/token?x=<b>&y="1" → 200');
    const bodies = exchanges[1]!.querySelectorAll('pre.body').map((p) => p.text);
    expect(bodies).toEqual(['grant_type=authorization_code&code=abc', `<html>${HOSTILE}</html>`]);
    const headers = exchanges[1]!.querySelectorAll('.headers tr').map((r) => `${r.querySelector('th')?.text}: ${r.querySelector('td')?.text}`);
    expect(headers).toContain('x-evil: "><img src=x onerror=alert(1)>');
    expect(headers).toContain('set-cookie: b=2');
  });

  it('escapes every string from the deployment or a check, so no markup of theirs survives', () => {
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('x=<b>');
    expect(html).not.toContain('<rp>');
    expect(doc.querySelectorAll('img')).toHaveLength(0);
  });

  it('says so when every check passed', () => {
    const report = fixtureReport();
    report.results = report.results.slice(0, 1);
    expect(parse(renderHtml(report)).querySelector('h1')?.text).toBe('CieID conformance passed');
  });
});
