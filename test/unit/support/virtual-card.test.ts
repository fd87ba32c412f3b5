import { describe, expect, it } from 'vitest';
import { fromBase64Url } from '../../../functions/platform/encoding';
import { AppCard, type CardContents, lastFourDigits, VirtualCard } from '../../support/virtual-card';

/**
 * Fixed chip contents, made once with openssl (self-signed, valid for a century): workerd can verify
 * with WebCrypto but nothing here makes a certificate. The same as the harness's test fixtures;
 * OTHER_CERTIFICATE carries another key.
 */
const EC_CARD_KEY: JsonWebKey = {
  kty: 'EC',
  x: 'lbR53Vo6NBjQx4c4etTxRxpttq5YypPIgzIeK6Q1gNw',
  y: 'Ko69IuBItCN29HoHfPSmf-zakBdroGu9pmfSPZIf0go',
  crv: 'P-256',
  d: 'Rw4mKz5y0TPZg9SgMnZ3h5CMIDZisflBUVaoN1caNVE',
};

const EC_CERTIFICATE = `-----BEGIN CERTIFICATE-----
MIIB3jCCAYOgAwIBAgIUWz5LZbAkqoaNAjfXscsU3uZa1K8wCgYIKoZIzj0EAwIw
QzETMBEGA1UEAwwKVklSVFVBTCBlYzEfMB0GA1UEBRMWVElOSVQtUlNTTVJBODBB
MDFINTAxVTELMAkGA1UEBhMCSVQwIBcNMjYxMjAxMjMzODU2WhgPMjEyNjExMDcy
MzM4NTZaMEMxEzARBgNVBAMMClZJUlRVQUwgZWMxHzAdBgNVBAUTFlRJTklULVJT
U01SQTgwQTAxSDUwMVUxCzAJBgNVBAYTAklUMFkwEwYHKoZIzj0CAQYIKoZIzj0D
AQcDQgAElbR53Vo6NBjQx4c4etTxRxpttq5YypPIgzIeK6Q1gNwqjr0i4Ei0I3b0
egd89KZ/7NqQF2uga72mZ9I9kh/SCqNTMFEwHQYDVR0OBBYEFIOTry2Bc0/SH6+N
YscTU1vxDdEUMB8GA1UdIwQYMBaAFIOTry2Bc0/SH6+NYscTU1vxDdEUMA8GA1Ud
EwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSQAwRgIhALz527NrA8YqfUw5qC+fI11Z
teOKPrKLdQkOvi9Zop5zAiEAlAD4gF7OQZWZ7hApwCE6N0sDNKvOWuPgw5kmdTU6
GNs=
-----END CERTIFICATE-----`;

const RSA_CARD_KEY: JsonWebKey = {
  kty: 'RSA',
  n: 'sGvcdGo9VKwyrPBx26pygUemb1rc1OzByROyH7xBIVQPA-hapahPRRuTaZQUk0z0UEesniuIGIxljyFPUWey-uNbBDkGXxoVbjy8tn_wXbqU1ut4fXXhMw1DUsQmd8tykBDQORg-3SWxOczQ7MAOWJA1UtNzus6H-fMrfJQehjjzBS1mkaTVuO6utwQ0xZ-k7EFRLe6ecFItXVTYwK__dtsqOMj_E6u-g8dcVUvolZt3G6RKj_87JKmS9nVep-mbEJfQGRiM-Kj3vADOMl-mfwNU-dc9mwbOghAISPQKOu2mQoDyHs_6TVB-nGeeC8Ikef7vf2IJNzIqxTF_YitLpw',
  e: 'AQAB',
  d: 'Okgfx7uzMC5E_Xnfe1ynQEs90gq36oWejUF69l34PDzrSvSvQYvFSETQYbAgTfs9uOm8vnIOH2H-SRcNf4ydBaInVtFJ6BATZVweUcIZU7WIZynaH8RaFcX7aDPRq4CkA7DyQPJgDineDwS5PoVCGALoAslFMcD6DdpGEv1RyjAoMVan4gVfrRZkE8sAInvbBaDoZYwGL70qsPwBZtmtD_s0WDvbAaWo6jx45dosq8qMIC9KOWN30cb4C3I-cz0mv0nbBVpS_vT5cBDXD8aL6Ka8JFiO9j35XDHAwKbHwCaY3gIZSdh2bfcuwsGbP6hEQHKOk5WxXhC5neWNPKK-bQ',
  p: '5-b8eN5P4csDOfhKbV0GeFDgkgj1eUf1YOd2niGaUCDoX5xu0QTl1x2-CbmEDTidu6xdlGTL3KTSjWfsc7jl-mbiYqiiJ8tNheMzvcyS66iw_w_rfHcPp3b-0AKM5g20VXezwK7sBDoKEL-J9b8GcmZudjGlIR706Pyu7Z3xix0',
  q: 'wsD7kbTCcVNXUgbn2M7fNwGrgsVDW2XqRrD-Ic3avIGMCQUHlD4S5wP5Q4pndzZuCJc-N4wP8oAFETjslc4zZ0ljMsPfTScpY1-ilYZo3EMLI3oFKTm1_ndqw-JyUn-xkUxD4wyU92N9PNKUkmp6D3205GHLZE-TUr5eaM4j8pM',
  dp: 'UmwRne_92lWqbuclpNskWoz8VEsk3BdMSkXaLffpfcNEc_8Ij_e6rQtgKNqr6XsO7M4lcIGmx2Q5hZLDQpob-zSoD8K554Tlp8mJ8VKNgX6yceU5oEI86RttE4dkhrumNZ5W4AwLzLDINQ2uvg5H_08SwaWBeFUlXM26aq_xUq0',
  dq: 'sL7dULXghWKia7IStWPBljUwx0RpRchvXmqAqIMfEVbslL74yuOu2fN0Q4SXM8y0_Zzs_RJi4qymbKPhqm7xnbovicHTpTx2RlZjwhmyjrtVn4O8rVZPwbn0rgOTxyVWLEwvjB4-D2o-HXXrGhoB3o8yHNZX9Rh21nAoVCtI2ns',
  qi: 'LxdysxjX9USDPS6lPFWSkZq9hqwQuLCbDmYwIp-DcftcczcS86-K3dS9EGfpyGLfLL1ggljflsLGasPL7suBM7uT8pzoQ6M0RIny-lQUuXHtEpnXNGs87UYs_2uKlONt9k1M9PWENjj3tcQD2nzfA-nUvPgO50jQ7mTU7U9I91s',
};

const RSA_CERTIFICATE = `-----BEGIN CERTIFICATE-----
MIIDKTCCAhGgAwIBAgIUD0p4m9ywO8F3BnYNgS8hqlCfrSUwDQYJKoZIhvcNAQEL
BQAwIzEUMBIGA1UEAwwLVklSVFVBTCByc2ExCzAJBgNVBAYTAklUMCAXDTI2MTIw
MTIzMzg1NloYDzIxMjYxMTA3MjMzODU2WjAjMRQwEgYDVQQDDAtWSVJUVUFMIHJz
YTELMAkGA1UEBhMCSVQwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQCw
a9x0aj1UrDKs8HHbqnKBR6ZvWtzU7MHJE7IfvEEhVA8D6FqlqE9FG5NplBSTTPRQ
R6yeK4gYjGWPIU9RZ7L641sEOQZfGhVuPLy2f/BdupTW63h9deEzDUNSxCZ3y3KQ
ENA5GD7dJbE5zNDswA5YkDVS03O6zof58yt8lB6GOPMFLWaRpNW47q63BDTFn6Ts
QVEt7p5wUi1dVNjAr/922yo4yP8Tq76Dx1xVS+iVm3cbpEqP/zskqZL2dV6n6ZsQ
l9AZGIz4qPe8AM4yX6Z/A1T51z2bBs6CEAhI9Ao67aZCgPIez/pNUH6cZ54LwiR5
/u9/Ygk3MirFMX9iK0unAgMBAAGjUzBRMB0GA1UdDgQWBBThWVYVIgMQKXqi0YH5
43+r8Rzr/TAfBgNVHSMEGDAWgBThWVYVIgMQKXqi0YH543+r8Rzr/TAPBgNVHRMB
Af8EBTADAQH/MA0GCSqGSIb3DQEBCwUAA4IBAQCS3Or5D+5VGSQ1ttzQLnkr2VK7
66uYqX8PPEOjMNiXply5J2l/Zvt9SIhTuLr4yDq0NGq/ZBIKJ7qgc1ywbRN3boZP
gnulgDQYjnwjNNt2SM/Zaz8ePoqOWnW7GDiUitqomx8PYETG8g/nDMY8E9Y9SHQz
p3+9oaKgZpi+uNvIy/l623ZWxvWvsJlaqLdcaRoM9DkxlfxvmJvqsJEXLHi+EAmw
b2jbGGpLuSkcxTAWt4WtwxddrU9JTjZfEszaBRrr5NeMBGjdcjGLq4z9BEeMJ4qZ
wq1TdghnK1mlv5Y7dLKz7vjicxAl28juOV+9XkPYaJLHlzpTNfPClDFPTB5w
-----END CERTIFICATE-----`;

const OTHER_CERTIFICATE = `-----BEGIN CERTIFICATE-----
MIIB4jCCAYmgAwIBAgIUCmg3kJHQgF8E6JCA8AHt+VnZtAAwCgYIKoZIzj0EAwIw
RjEWMBQGA1UEAwwNVklSVFVBTCBvdGhlcjEfMB0GA1UEBRMWVElOSVQtUlNTTVJB
ODBBMDFINTAxVTELMAkGA1UEBhMCSVQwIBcNMjYxMjAxMjMzODU2WhgPMjEyNjEx
MDcyMzM4NTZaMEYxFjAUBgNVBAMMDVZJUlRVQUwgb3RoZXIxHzAdBgNVBAUTFlRJ
TklULVJTU01SQTgwQTAxSDUwMVUxCzAJBgNVBAYTAklUMFkwEwYHKoZIzj0CAQYI
KoZIzj0DAQcDQgAEsj3MZI+Q95iKMR3wXOA+qUYp3N+StMyb3NIOuO14JNRyGt0Z
XajN+a4e508u/CHl2ZAZaRV6IOVufxl4mJQ2hqNTMFEwHQYDVR0OBBYEFD3cmEEQ
hetc7f8wvdkUXMLqlOrlMB8GA1UdIwQYMBaAFD3cmEEQhetc7f8wvdkUXMLqlOrl
MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIgR8yM7ANZlZGTfDQ9
hIJDhPiM9Nzp+9v5K/0MO6UEupMCIEYGy7IYdHxiN3DCq6c1d7vXRHln1cuGjU3x
4B3blMlD
-----END CERTIFICATE-----`;

const PIN = '12345678';
const PUK = '87654321';
const NEW_PIN = '24681357';
const CHALLENGE = 'q3Bv0yJtZkQb8mD1xN7uLc2WfH5sRa9PeGiTo4YjKlM';

const EC = { name: 'ECDSA', namedCurve: 'P-256' };
const ec = { cardKey: EC_CARD_KEY, certificate: EC_CERTIFICATE };
const rsa = { cardKey: RSA_CARD_KEY, certificate: RSA_CERTIFICATE };

const load = (over: Partial<CardContents> = {}) => VirtualCard.load({ ...ec, pin: PIN, puk: PUK, ...over });

/** The server's check (docs/level3.md, "What the card signs"), written again so the chip is held to the contract, not to itself. */
async function verifies(publicKey: JsonWebKey, challenge: string, signature: string): Promise<boolean> {
  const isEc = publicKey.kty === 'EC';
  const key = await crypto.subtle.importKey('jwk', publicKey, isEc ? EC : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify']);
  const message = new TextEncoder().encode(`cieid-card-auth:v1:${challenge}`);
  return crypto.subtle.verify(isEc ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'RSASSA-PKCS1-v1_5' }, key, fromBase64Url(signature), message);
}

async function signature(card: VirtualCard, pin = PIN, challenge = CHALLENGE): Promise<string> {
  const out = await card.sign(pin, challenge);
  if (typeof out !== 'string') throw new Error(`refused: ${JSON.stringify(out)}`);
  return out;
}

describe('the virtual card signs what the server checks', () => {
  it.each([
    ['EC P-256, ES256: the raw 64-byte r‖s', ec, 64],
    ['RSA 2048, RS256: PKCS#1 v1.5', rsa, 256],
  ])('%s, over "cieid-card-auth:v1:<challenge>", verified with the JWK public part', async (_, chip, length) => {
    const card = await load(chip);
    const sig = await signature(card);
    expect(fromBase64Url(sig)).toHaveLength(length);
    expect(sig).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(card.publicKey).not.toHaveProperty('d');
    expect(card.algorithm).toBe(chip.cardKey.kty === 'EC' ? 'ES256' : 'RS256');
    expect(await verifies(card.publicKey, CHALLENGE, sig)).toBe(true);
    expect(await verifies(card.publicKey, `${CHALLENGE.slice(0, -1)}N`, sig)).toBe(false);
  });

  it('a presentation is the certificate as issued and a signature over this challenge', async () => {
    const card = await load();
    const p = await card.presentation(PIN, CHALLENGE);
    if ('refused' in p) throw new Error('refused');
    expect(p.certificate).toBe(ec.certificate);
    expect(await verifies(card.publicKey, CHALLENGE, p.signature)).toBe(true);
  });

  it('ignores the JWK members WebCrypto would trip on (alg, key_ops, ext)', async () => {
    const card = await load({ cardKey: { ...ec.cardKey, alg: 'ES256', key_ops: ['verify'], ext: false } });
    expect(await verifies(card.publicKey, CHALLENGE, await signature(card))).toBe(true);
  });

  it('no chip holds contents that do not fit: a certificate of another key, another curve, codes not of 8 digits, no PEM', async () => {
    await expect(load({ certificate: OTHER_CERTIFICATE })).rejects.toThrow(/public key/);
    await expect(load({ certificate: RSA_CERTIFICATE })).rejects.toThrow();
    await expect(load({ certificate: EC_CERTIFICATE.replace(/^(-+BEGIN CERTIFICATE-+\s+)(.{40})/, '$1') })).rejects.toThrow();
    const p384 = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    await expect(load({ cardKey: (await crypto.subtle.exportKey('jwk', p384.privateKey)) as JsonWebKey })).rejects.toThrow(/EC P-256 or RSA/);
    await expect(load({ pin: '1234567' })).rejects.toThrow(/8 digits/);
    await expect(load({ puk: '1234567a' })).rejects.toThrow(/8 digits/);
    await expect(load({ certificate: 'not a certificate' })).rejects.toThrow();
  });
});

describe('the PIN counter (R-L3-3)', () => {
  it('two wrong PINs leave the PIN usable; the 3rd in a row blocks it, even for the right PIN', async () => {
    const card = await load();
    expect(await card.sign('00000000', CHALLENGE)).toEqual({ refused: 'wrong_pin', remaining: 2 });
    expect(await card.sign('11111111', CHALLENGE)).toEqual({ refused: 'wrong_pin', remaining: 1 });
    expect(card.pinBlocked).toBe(false);
    expect(await card.sign('22222222', CHALLENGE)).toEqual({ refused: 'pin_blocked' });
    expect(card.pinBlocked).toBe(true);
    expect(await card.sign(PIN, CHALLENGE)).toEqual({ refused: 'pin_blocked' });
    expect(await card.presentation(PIN, CHALLENGE)).toEqual({ refused: 'pin_blocked' });
  });

  it('exactly 2 wrong PINs, then the right one signs; a right PIN starts the count again', async () => {
    const card = await load();
    for (let round = 0; round < 3; round++) {
      expect(await card.sign('00000000', CHALLENGE)).toEqual({ refused: 'wrong_pin', remaining: 2 });
      expect(await card.sign('00000000', CHALLENGE)).toEqual({ refused: 'wrong_pin', remaining: 1 });
      expect(await verifies(card.publicKey, CHALLENGE, await signature(card))).toBe(true);
    }
  });
});

describe('Sblocco carta: the PUK (R-PUK-1, R-PUK-3)', () => {
  const blocked = async () => {
    const card = await load();
    for (let i = 0; i < 3; i++) await card.sign('00000000', CHALLENGE);
    expect(card.pinBlocked).toBe(true);
    return card;
  };

  it('the right PUK unblocks the PIN, sets the new one and gives it 3 tries again; the old PIN is a wrong one', async () => {
    const card = await blocked();
    expect(card.unblock(PUK, NEW_PIN)).toEqual({ unblocked: true });
    expect(card.pinBlocked).toBe(false);
    expect(await card.sign(PIN, CHALLENGE)).toEqual({ refused: 'wrong_pin', remaining: 2 });
    expect(await verifies(card.publicKey, CHALLENGE, await signature(card, NEW_PIN))).toBe(true);
  });

  it('a new PIN must be 8 digits; refusing it costs no PUK try and leaves the PIN blocked', async () => {
    const card = await blocked();
    for (const bad of ['1234567', '123456789', '1234567a', '']) expect(card.unblock(PUK, bad)).toEqual({ refused: 'new_pin_malformed' });
    expect(card.unblock('00000000', NEW_PIN)).toEqual({ refused: 'wrong_puk', remaining: 10 });
    expect(card.pinBlocked).toBe(true);
  });

  it('10 wrong PUKs do not block the chip: the right PUK still unblocks', async () => {
    const card = await blocked();
    for (let i = 1; i <= 10; i++) expect(card.unblock('00000000', NEW_PIN)).toEqual({ refused: 'wrong_puk', remaining: 11 - i });
    expect(card.chipBlocked).toBe(false);
    expect(card.unblock(PUK, NEW_PIN)).toEqual({ unblocked: true });
    expect(typeof (await card.sign(NEW_PIN, CHALLENGE))).toBe('string');
  });

  it('the 11th wrong PUK blocks the chip for good: every later call is refused, the right PUK and PIN too', async () => {
    const card = await load();
    for (let i = 0; i < 10; i++) card.unblock('00000000', NEW_PIN);
    expect(card.unblock('00000000', NEW_PIN)).toEqual({ refused: 'chip_blocked' });
    expect(card.chipBlocked).toBe(true);
    expect(card.unblock(PUK, NEW_PIN)).toEqual({ refused: 'chip_blocked' });
    expect(card.unblock(PUK, 'bad')).toEqual({ refused: 'chip_blocked' });
    expect(await card.sign(PIN, CHALLENGE)).toEqual({ refused: 'chip_blocked' });
    expect(await card.presentation(PIN, CHALLENGE)).toEqual({ refused: 'chip_blocked' });
    expect(await new AppCard(card, PIN).unlockWithLastFour(lastFourDigits(PIN), CHALLENGE)).toEqual({ refused: 'chip_blocked' });
  });

  it('wrong PUKs add up over the card’s life: a right PUK in between does not take them back', async () => {
    const card = await load();
    for (let i = 0; i < 10; i++) card.unblock('00000000', NEW_PIN);
    expect(card.unblock(PUK, NEW_PIN)).toEqual({ unblocked: true });
    expect(card.unblock('00000000', PIN)).toEqual({ refused: 'chip_blocked' });
  });
});

describe('the App asks only for the last 4 PIN digits after registration (R-L3-1)', () => {
  it('lastFourDigits', () => {
    expect(lastFourDigits(PIN)).toBe('5678');
  });

  it('the right 4 digits unlock the chip with the full PIN', async () => {
    const app = new AppCard(await load(), PIN);
    const p = await app.unlockWithLastFour('5678', CHALLENGE);
    if ('refused' in p) throw new Error('refused');
    expect(p.certificate).toBe(ec.certificate);
    expect(await verifies(app.card.publicKey, CHALLENGE, p.signature)).toBe(true);
  });

  it('wrong digits count against the chip’s PIN counter: the 3rd blocks the PIN for the full PIN too', async () => {
    const card = await load();
    const app = new AppCard(card, PIN);
    expect(await app.unlockWithLastFour('0000', CHALLENGE)).toEqual({ refused: 'wrong_pin', remaining: 2 });
    expect(await card.sign('00000000', CHALLENGE)).toEqual({ refused: 'wrong_pin', remaining: 1 });
    expect(await app.unlockWithLastFour('567', CHALLENGE)).toEqual({ refused: 'pin_blocked' });
    expect(await card.sign(PIN, CHALLENGE)).toEqual({ refused: 'pin_blocked' });
    expect(await app.unlockWithLastFour('5678', CHALLENGE)).toEqual({ refused: 'pin_blocked' });
  });
});
