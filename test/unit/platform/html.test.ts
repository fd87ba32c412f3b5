import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, SafeHtml, errorPage, escapeHtml, html, page } from '../../../functions/platform/html';

const HOSTILE = `<script>alert("x")</script><img src=x onerror='y'>&amp;\`z\``;

describe('platform/html: auto-escaping templates (DESIGN, R-LOG-1, R-LOG-7)', () => {
  it('DESIGN: every markup-significant character is escaped', () => {
    expect(escapeHtml(`&<>"'\``)).toBe('&amp;&lt;&gt;&quot;&#39;&#96;');
    expect(escapeHtml("Comune di Sant'Angelo & C.")).toBe('Comune di Sant&#39;Angelo &amp; C.');
    expect(escapeHtml('plain città')).toBe('plain città');
  });

  it('DESIGN: nothing hostile survives escaping', () => {
    const out = escapeHtml(HOSTILE);
    expect(out).not.toMatch(/[<>"'`]/);
    expect(out).toContain('&amp;amp;'); // an entity typed by someone is shown, not interpreted
  });

  it('R-LOG-7: an RP name interpolated into a template cannot inject markup', () => {
    const rp = HOSTILE;
    const out = html`<p>I seguenti dati stanno per essere inviati a: <strong>${rp}</strong></p>`.value;
    expect(out).not.toContain('<script>');
    expect(out).not.toContain('<img');
    expect(out.startsWith('<p>I seguenti dati stanno per essere inviati a: <strong>&lt;script&gt;')).toBe(true);
  });

  it('DESIGN: attribute values cannot be broken out of', () => {
    const out = html`<input value="${'" autofocus onfocus="alert(1)'}">`.value;
    expect(out).toBe('<input value="&quot; autofocus onfocus=&quot;alert(1)">');
    const single = html`<a title='${"' onclick='x"}'>`.value;
    expect(single).toBe("<a title='&#39; onclick=&#39;x'>");
  });

  it('DESIGN: nested templates are kept as markup, strings inside them still escaped', () => {
    const inner = html`<em>${'<b>'}</em>`;
    expect(html`<p>${inner}</p>`.value).toBe('<p><em>&lt;b&gt;</em></p>');
  });

  it('DESIGN: arrays are joined with each item escaped; null, undefined and false render nothing', () => {
    const items = ['<a>', 'b'].map((x) => html`<li>${x}</li>`);
    expect(html`<ul>${items}</ul>`.value).toBe('<ul><li>&lt;a&gt;</li><li>b</li></ul>');
    expect(html`[${['<', '>']}]`.value).toBe('[&lt;&gt;]');
    expect(html`[${null}${undefined}${false}]`.value).toBe('[]');
    expect(html`[${0}${true}${3.5}]`.value).toBe('[0true3.5]');
  });

  it('DESIGN: only a SafeHtml is trusted, and only because code built it', () => {
    expect(html`${new SafeHtml('<b>ok</b>')}`.value).toBe('<b>ok</b>');
    expect(String(html`<i>${'x'}</i>`)).toBe('<i>x</i>');
  });

  it('DESIGN: pages carry the strict CSP, no-store and anti-framing headers, in Italian', async () => {
    const res = page({ title: '<Titolo>', body: html`<p>corpo</p>`, section: 'Attivazione credenziali' });
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('Content-Security-Policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
    expect(res.headers.get('Cache-Control')).toBe('no-store');
    expect(res.headers.get('X-Frame-Options')).toBe('DENY');
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff');
    const body = await res.text();
    expect(body).toContain('<html lang="it">');
    expect(body).toContain('&lt;Titolo&gt;');
    expect(body).not.toContain('<Titolo>');
  });

  it('DESIGN: error pages escape their title, message and link', async () => {
    const res = errorPage(400, '<t>', HOSTILE, { href: 'javascript:"x"', text: '<l>' });
    expect(res.status).toBe(400);
    const body = await res.text();
    expect(body).not.toContain('<script>');
    expect(body).not.toContain('<t>');
    expect(body).not.toContain('<l>');
    expect(body).toContain('href="javascript:&quot;x&quot;"');
  });
});
