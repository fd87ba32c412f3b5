import type { Exchange } from '../core/http.ts';
import { formatDuration } from '../runner/format-duration.ts';
import { bySuite, tally, type CheckResult, type RunReport, type Tally } from '../runner/result.ts';
import { escapeHtml as h } from './escape.ts';

/**
 * One HTML file a QA engineer can mail or attach to a ticket: inline CSS, no scripts, nothing fetched.
 * Everything the deployment sent is escaped, and the page's own CSP forbids scripts anyway, so a
 * hostile body in an exchange stays text.
 */
export function renderHtml(report: RunReport): string {
  const all = tally(report.results);
  const suites = [...bySuite(report.results)];
  const verdict = all.failed + all.errors === 0 ? 'passed' : 'failed';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>CieID conformance: ${h(verdict)} — ${h(report.baseUrl)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>CieID conformance <span class="badge ${verdict}">${verdict}</span></h1>
<p class="meta">${h(report.baseUrl)} · started ${h(report.startedAt.toISOString())} · ${h(formatDuration(report.durationMs))} · concurrency ${report.concurrency}</p>
${totals(all)}
${suiteTable(suites)}
${notPassed(report.results)}
</header>
<main>
${suites.map(([name, results]) => suiteSection(name, results)).join('\n')}
</main>
</body>
</html>
`;
}

function totals(t: Tally): string {
  const box = (label: string, n: number, cls: string) => `<div class="total ${n > 0 ? cls : ''}"><b>${n}</b>${label}</div>`;
  return `<div class="totals">${box('passed', t.passed, 'passed')}${box('failed', t.failed, 'failed')}${box('errors', t.errors, 'error')}${box('checks', t.total, '')}</div>`;
}

function suiteTable(suites: [string, CheckResult[]][]): string {
  const rows = suites.map(([name, results]) => {
    const t = tally(results);
    return `<tr><td><a href="#suite-${anchor(name)}">${h(name)}</a></td><td>${t.passed}</td><td>${t.failed}</td><td>${t.errors}</td><td>${t.total}</td></tr>`;
  });
  return `<table class="summary"><thead><tr><th>suite</th><th>passed</th><th>failed</th><th>errors</th><th>total</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function notPassed(results: CheckResult[]): string {
  const bad = results.filter((r) => r.outcome !== 'passed');
  if (bad.length === 0) return '';
  const items = bad.map(
    (r) =>
      `<li><a href="#check-${anchor(r.check.id)}">${h(r.check.id)}</a> ${h(r.check.title)} — <span class="txt-${r.outcome}">${h(r.message ?? r.outcome)}</span></li>`,
  );
  return `<section class="not-passed"><h2>Not passed</h2><ul>${items.join('')}</ul></section>`;
}

function suiteSection(name: string, results: CheckResult[]): string {
  return `<section id="suite-${anchor(name)}">
<h2>${h(name)}</h2>
<table class="checks"><thead><tr><th></th><th>check</th><th>covers</th><th>time</th></tr></thead>
<tbody>
${results.map(checkRows).join('\n')}
</tbody></table>
</section>`;
}

const MARK = { passed: '✓', failed: '✗', error: '!' } as const;

function checkRows(r: CheckResult): string {
  const row = `<tr id="check-${anchor(r.check.id)}" class="is-${r.outcome}"><td class="mark">${MARK[r.outcome]}</td><td><b>${h(r.check.id)}</b> ${h(r.check.title)}</td><td>${r.check.covers.map((c) => `<code>${h(c)}</code>`).join(' ')}</td><td class="time">${h(formatDuration(r.durationMs))}</td></tr>`;
  const detail: string[] = [];
  if (r.message) detail.push(`<p class="message">${r.outcome === 'error' ? 'error: ' : ''}${h(r.message)}</p>`);
  if (r.logs.length > 0) detail.push(`<pre class="logs">${h(r.logs.join('\n'))}</pre>`);
  if (r.stack) detail.push(`<details><summary>stack</summary><pre>${h(r.stack)}</pre></details>`);
  if (r.outcome !== 'passed') {
    detail.push(
      r.exchanges.length > 0
        ? `<div class="exchanges"><h3>HTTP exchanges (${r.exchanges.length})</h3>${r.exchanges.map((e, i) => exchangeHtml(e, i, i === r.exchanges.length - 1)).join('')}</div>`
        : '<p class="meta">no HTTP exchange recorded</p>',
    );
  }
  if (detail.length === 0) return row;
  return `${row}\n<tr class="detail is-${r.outcome}"><td></td><td colspan="3">${detail.join('')}</td></tr>`;
}

/** The last exchange is open: that is usually where the rule broke. */
function exchangeHtml(e: Exchange, index: number, open: boolean): string {
  const answer = e.error ? `no answer: ${e.error}` : String(e.status);
  const cls = e.error || e.status >= 500 ? 'bad' : e.status >= 400 ? 'warn' : '';
  return `<details class="exchange"${open ? ' open' : ''}><summary><span class="n">#${index + 1}</span> <b>${h(e.method)}</b> ${h(e.url)} → <span class="status ${cls}">${h(answer)}</span> <span class="meta">${e.durationMs} ms</span></summary>
<div class="http"><div><h4>request</h4>${headersHtml(e.requestHeaders)}${bodyHtml(e.requestBody)}</div>
<div><h4>response</h4>${e.error ? '' : `${headersHtml(e.responseHeaders)}${bodyHtml(e.responseBody)}`}</div></div></details>`;
}

function headersHtml(headers: Record<string, string>): string {
  const rows = Object.entries(headers).flatMap(([name, value]) => value.split('\n').map((v) => `<tr><th>${h(name)}</th><td>${h(v)}</td></tr>`));
  return rows.length > 0 ? `<table class="headers">${rows.join('')}</table>` : '';
}

function bodyHtml(body: string | undefined): string {
  return body ? `<pre class="body">${h(body)}</pre>` : '';
}

function anchor(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '_');
}

const CSS = `
:root{--ok:#0a7b3e;--ko:#c0262d;--err:#9a6700;--line:#d9dde3;--soft:#f5f7fa;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#17202a}
body{margin:0 auto;max-width:1200px;padding:1.5rem}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:2rem 0 .5rem}h3{font-size:.95rem;margin:.75rem 0 .25rem}h4{margin:.25rem 0;font-size:.8rem;text-transform:uppercase;color:#555}
.meta{color:#5c6670;font-size:.85rem}
.badge{font-size:.8rem;padding:.15rem .5rem;border-radius:1rem;color:#fff;vertical-align:middle}.badge.passed{background:var(--ok)}.badge.failed{background:var(--ko)}
.totals{display:flex;gap:.75rem;margin:1rem 0}.total{border:1px solid var(--line);border-radius:.5rem;padding:.5rem 1rem;min-width:5rem}.total b{display:block;font-size:1.4rem}
.total.passed b{color:var(--ok)}.total.failed b{color:var(--ko)}.total.error b{color:var(--err)}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
table.summary{width:auto}table.summary td+td,table.summary th+th{text-align:right}
.is-passed .mark{color:var(--ok)}.is-failed .mark,.txt-failed,tr.detail.is-failed .message{color:var(--ko)}.is-error .mark,.txt-error,tr.detail.is-error .message{color:var(--err)}
.mark{width:1.5rem;font-weight:bold}.time{white-space:nowrap;color:#5c6670}
tr.detail td{background:var(--soft);border-bottom:2px solid var(--line)}tr.detail .message{font-weight:600;white-space:pre-wrap}
code{background:var(--soft);padding:0 .25rem;border-radius:.2rem;font-size:.85em}
pre{white-space:pre-wrap;word-break:break-all;background:#fff;border:1px solid var(--line);padding:.5rem;font-size:.8rem;max-height:24rem;overflow:auto;margin:.25rem 0}
.exchange{border:1px solid var(--line);border-radius:.35rem;background:#fff;margin:.35rem 0}.exchange summary{cursor:pointer;padding:.35rem .5rem;word-break:break-all}
.http{display:grid;grid-template-columns:1fr 1fr;gap:.75rem;padding:.5rem}@media (max-width:800px){.http{grid-template-columns:1fr}}
.headers th,.headers td{font-family:ui-monospace,monospace;font-size:.75rem;padding:.1rem .35rem;word-break:break-all}.headers th{white-space:nowrap;color:#5c6670;width:1%}
.status{font-weight:bold}.status.bad{color:var(--ko)}.status.warn{color:var(--err)}.n{color:#5c6670}
.not-passed ul{padding-left:1.25rem}
`;
