import { bySuite, tally, type CheckResult, type RunReport } from '../runner/result.ts';
import { escapeXmlAttribute as a, escapeXml as x } from './escape.ts';
import { exchangesText } from './exchanges-text.ts';

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/**
 * JUnit XML as Jenkins, GitLab and GitHub's test reporters read it: one <testsuite> per harness
 * suite, one <testcase> per check. A failure carries its message and every HTTP exchange of the check.
 */
export function renderJunit(report: RunReport): string {
  const all = tally(report.results);
  const suites = [...bySuite(report.results)].map(([name, results]) => suiteXml(name, results, report));
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="cie-harness" tests="${all.total}" failures="${all.failed}" errors="${all.errors}" time="${seconds(report.durationMs)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

function suiteXml(name: string, results: CheckResult[], report: RunReport): string {
  const t = tally(results);
  const time = results.reduce((sum, r) => sum + r.durationMs, 0);
  return [
    `  <testsuite name="${a(name)}" tests="${t.total}" failures="${t.failed}" errors="${t.errors}" skipped="0" ` +
      `time="${seconds(time)}" timestamp="${report.startedAt.toISOString().slice(0, 19)}" hostname="${a(report.baseUrl)}">`,
    ...results.map(caseXml),
    '  </testsuite>',
  ].join('\n');
}

function caseXml(r: CheckResult): string {
  const open = `    <testcase classname="${a(r.check.suite)}" name="${a(`${r.check.id} ${r.check.title}`)}" time="${seconds(r.durationMs)}">`;
  const covers = `      <properties><property name="covers" value="${a(r.check.covers.join(' '))}"/></properties>`;
  const body: string[] = [covers];
  if (r.outcome !== 'passed') {
    const tag = r.outcome === 'failed' ? 'failure' : 'error';
    const text = [r.message ?? '', r.stack ?? '', r.exchanges.length > 0 ? `HTTP exchanges:\n\n${exchangesText(r.exchanges)}` : '']
      .filter(Boolean)
      .join('\n\n');
    body.push(`      <${tag} message="${a(r.message ?? '')}" type="${r.outcome === 'failed' ? 'CheckFailure' : 'Error'}">${x(text)}</${tag}>`);
  }
  if (r.logs.length > 0) body.push(`      <system-out>${x(r.logs.join('\n'))}</system-out>`);
  return [open, ...body, '    </testcase>'].join('\n');
}
