import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { renderJunit } from '../src/report/junit.ts';
import { fixtureReport, HOSTILE } from './support/report-fixture.ts';

type Node = Record<string, unknown>;

function parse(xml: string) {
  const valid = XMLValidator.validate(xml);
  expect(valid, JSON.stringify(valid)).toBe(true);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    isArray: (name) => ['testsuite', 'testcase'].includes(name),
    trimValues: false,
    // Numeric character references (&#10;) are plain XML, but this parser decodes them only with this on.
    htmlEntities: true,
  });
  return parser.parse(xml) as { testsuites: Node & { testsuite: (Node & { testcase: Node[] })[] } };
}

describe('renderJunit', () => {
  const xml = renderJunit(fixtureReport());
  const doc = parse(xml);

  it('counts everything on <testsuites> and per <testsuite>', () => {
    expect(doc.testsuites).toMatchObject({ '@name': 'cie-harness', '@tests': '3', '@failures': '1', '@errors': '1', '@time': '4.321' });
    expect(doc.testsuites.testsuite.map((s) => [s['@name'], s['@tests'], s['@failures'], s['@errors'], s['@time']])).toEqual([
      ['metadata', '1', '0', '0', '0.120'],
      ['oidc', '2', '1', '1', '1.502'],
    ]);
    expect(doc.testsuites.testsuite[0]!['@timestamp']).toBe('2026-01-02T03:04:05');
  });

  it('names each testcase "<id> <title>" with the suite as classname and time in seconds', () => {
    const [pass] = doc.testsuites.testsuite[0]!.testcase;
    expect(pass).toMatchObject({ '@classname': 'metadata', '@name': 'C-1 entity configuration', '@time': '0.120' });
    expect(pass).not.toHaveProperty('failure');
    expect(pass!.properties).toEqual({ property: { '@name': 'covers', '@value': 'C-1' } });
  });

  it('puts the failure text and every HTTP exchange in <failure>, escaped, hostile characters and all', () => {
    const failed = doc.testsuites.testsuite[1]!.testcase[0]!;
    const escapedHostile = HOSTILE.replace('\u0000', '\\u{0}').replace('\u0007', '\\u{7}');
    expect(failed['@name']).toBe(`C-23 token endpoint refuses GET ${escapedHostile}`);
    const failure = failed.failure as Node;
    expect(failure['@message']).toBe(`expected status 405, but it answered 200: ${escapedHostile}`);
    expect(failure['@type']).toBe('CheckFailure');
    const text = failure['#text'] as string;
    expect(text).toContain('HTTP exchanges:');
    expect(text).toContain('#1 GET http://127.0.0.1:9/token?x=<b>&y="1"');
    expect(text).toContain('#2 POST http://127.0.0.1:9/token');
    expect(text).toContain('grant_type=authorization_code&code=abc');
    expect(text).toContain('→ 200 (12 ms)');
    expect(text).toContain('x-evil: "><img src=x onerror=alert(1)>');
    expect(text).toContain('set-cookie: a=1\nset-cookie: b=2');
    expect(text).toContain(`<html>${escapedHostile}</html>`);
    expect(failed['system-out']).toBe('registered RP <rp>');
  });

  it('keeps newlines in attribute values', () => {
    const report = fixtureReport();
    report.results[1]!.message = 'line one\nline two';
    const failure = parse(renderJunit(report)).testsuites.testsuite[1]!.testcase[0]!.failure as Node;
    expect(failure['@message']).toBe('line one\nline two');
  });

  it('reports an error as <error> with its stack', () => {
    const errored = doc.testsuites.testsuite[1]!.testcase[1]!;
    expect(errored).not.toHaveProperty('failure');
    const error = errored.error as Node;
    expect(error['@message']).toBe('TypeError: x is undefined');
    expect(error['#text']).toContain('at run (suites/oidc.ts:1:1)');
  });

  it('never lets raw markup from the deployment through', () => {
    expect(xml).not.toContain('<script>');
    expect(xml).not.toContain('<img');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: no control character may reach the XML
    expect(xml).not.toMatch(/[\u0000-\u0008]/);
  });
});
