import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activate, issueCard, loginToRp } from '../../scripts/lib/citizen-flows.mjs';
import { randomCitizen } from '../../scripts/lib/citizens.mjs';
import { HttpBrowser } from '../../scripts/lib/http-browser.mjs';
import { type Lab, startLab } from '../../scripts/interop/lab.mjs';

/**
 * Interoperability with the reference implementation of the SPID/CIE OIDC profile (spid-cie-oidc, the
 * Django apps of italia/spid-cie-oidc-django): its Relying Party logs a citizen in at our OP, with its
 * Trust Anchor app as the federation's anchor. The RP resolves our chain (our entity configuration's
 * authority_hints → the TA's fetch endpoint), sends its signed request object with client_id = its
 * entity id, redeems the code with private_key_jwt, verifies the ID token, decrypts userinfo and shows
 * the attributes on its echo page. Only the citizen's part (our login pages, over HTTP) is driven here.
 */

/** The reference RP's attributes page: `<dt>name:</dt><dd>value</dd>` for each attribute it kept. */
function shownAttributes(html: string): Record<string, string> {
  const text = (s: string) =>
    s
      .replace(/&quot;/g, '"')
      .replace(/&#x27;|&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&')
      .trim();
  const pairs: Record<string, string> = {};
  for (const m of html.matchAll(/<dt>([^<]*):<\/dt>\s*<dd>([^<]*)<\/dd>/g)) pairs[text(m[1]!)] = text(m[2]!);
  return pairs;
}

/** A page's text without its markup: what a failure message quotes and what the refusals are matched on. */
const pageText = (html: string) =>
  html
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .slice(0, 1000);

/** The RP's login start, as its landing page links it (provider = our entity id, profile CIE): its redirect to our authorize. */
async function startAtReferenceRp(lab: Lab) {
  const rp = new HttpBrowser(lab.ta);
  const start = await rp.open(`/oidc/rp/authorization?${new URLSearchParams({ provider: lab.op, profile: 'cie' })}`);
  const authorize = start.headers.get('Location');
  if (start.status !== 302 || !authorize?.startsWith(`${lab.op}/oidc/authorize?`)) {
    throw new Error(`the RP did not send the citizen to our authorize: ${start.status} ${pageText(start.html)}\n${lab.logs()}`);
  }
  const request = new URL(authorize).searchParams;
  expect(request.get('client_id')).toBe(lab.rp);
  expect(request.get('request')).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  return { rp, authorize };
}

/** A citizen with an active card logs in at the reference RP; returns what its echo page shows. */
async function logInAtReferenceRp(lab: Lab) {
  const citizen = randomCitizen();
  const holder = await activate(lab.op, { citizen, card: await issueCard(lab.op, lab.registryToken, citizen) });

  const { rp, authorize } = await startAtReferenceRp(lab);

  let callback: URL;
  try {
    callback = await loginToRp(lab.op, authorize, { username: citizen.fiscalCode, password: holder.password, phone: citizen.phone });
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : err}\n${lab.logs()}`);
  }
  expect(`${callback.origin}${callback.pathname}`).toBe(`${lab.rp}/callback`);
  expect(callback.searchParams.get('code')).toBeTruthy();

  // The callback redeems the code (private_key_jwt), checks the tokens, decrypts userinfo, then sends
  // the citizen on to its attributes page.
  const echo = await rp.open(callback);
  if (echo.status !== 200 || echo.url.pathname !== '/oidc/rp/echo_attributes') {
    throw new Error(`the RP's callback did not end on its attributes page: ${echo.status} ${echo.url} ${pageText(echo.html)}\n${lab.logs()}`);
  }
  return { citizen, attributes: shownAttributes(echo.html) };
}

/**
 * The RP keeps userinfo's claims under its RP_ATTR_MAP names (given_name → first_name, family_name →
 * last_name, fiscal_number → fiscal_number), so what it shows is what it decrypted from our userinfo.
 */
function expectCitizenShown({ citizen, attributes }: Awaited<ReturnType<typeof logInAtReferenceRp>>) {
  expect(attributes).toMatchObject({ first_name: citizen.givenName, last_name: citizen.familyName });
  expect(attributes.fiscal_number).toContain(citizen.fiscalCode);
  expect(attributes.sub).toMatch(/\S{16,}/);
}

describe('the reference RP (spid-cie-oidc 1.6.3) logs a citizen in at our OP', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab();
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it('through federation alone: no registry call for the RP, our OP resolves its chain to the reference TA', async () => {
    const shown = await logInAtReferenceRp(lab);
    expectCitizenShown(shown);

    // Our OP built the RP's chain itself: the RP's entity configuration and the TA's statement about
    // the RP are asked for by nobody else here, and the TA's /resolve by nobody at all.
    const asked = lab.djangoRequests();
    expect(asked).toContainEqual({ path: '/oidc/rp/.well-known/openid-federation', status: 200 });
    expect(asked).toContainEqual({ path: `/fetch?sub=${lab.rp}`, status: 200 });
    expect(asked.filter((r) => r.path.startsWith('/resolve'))).toEqual([]);

    // The chain it accepted carries the reference's policy for RPs, with the entries the spec does not
    // define for RP metadata (`scope`, which the RP does not declare; `constraints` with an unknown operator).
    const statement = await fetch(`${lab.ta}/fetch?${new URLSearchParams({ sub: lab.rp })}`).then((r) => r.text());
    expect(decodeJwt(statement).metadata_policy).toMatchObject({
      openid_relying_party: { grant_types: { subset_of: expect.any(Array) }, scope: { superset_of: ['openid'] }, constraints: { max_path_length: 1 } },
    });
  });

  it('pre-registered through the registry API too (the same RP, its metadata given by hand)', async () => {
    const metadata = lab.rpMetadata;
    const res = await fetch(`${lab.op}/registry/clients`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${lab.registryToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        client_id: metadata.client_id,
        client_name: metadata.client_name,
        redirect_uris: metadata.redirect_uris,
        jwks: metadata.jwks,
        userinfo_encrypted_response_alg: metadata.userinfo_encrypted_response_alg,
        userinfo_encrypted_response_enc: metadata.userinfo_encrypted_response_enc,
      }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const shown = await logInAtReferenceRp(lab);
    expectCitizenShown(shown);
  });
});

/**
 * The same RP and TA, our OP configured so that the chain must not hold: our authorize refuses (a
 * 4xx naming the chain, never the login page), so the login above proves the chain was checked.
 */
describe.each([
  {
    why: 'the TA is pinned with another federation key',
    options: { pinnedKey: 'unrelated' as const },
    error: /invalid_client: trust chain not valid: entity configuration of \S+ \(pinned keys\): bad signature/,
  },
  {
    why: 'a trust mark the TA never issued to the RP is required',
    options: { requiredTrustMarks: (ta: string) => [`${ta}/openid_relying_party/private`] },
    error: /unauthorized_client: trust chain not valid: missing trust mark \S+\/openid_relying_party\/private/,
  },
])('our OP refuses the reference RP when $why', ({ options, error }) => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab(options);
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it("at authorize, with the profile's error and no login page", async () => {
    const { authorize } = await startAtReferenceRp(lab);
    const answer = await new HttpBrowser(lab.op).open(authorize);
    expect(answer.status, pageText(answer.html)).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(answer.html).not.toContain('name="password"');
    expect(pageText(answer.html)).toMatch(error);
  });
});
