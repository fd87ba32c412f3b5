import { decryptSecret, encryptSecret, randomDigits } from '../platform/crypto';

/** PIN and PUK: 8 random digits each, sealed at rest and bound to their card (R-CARD-6). */
export interface CardCodes {
  pin: string;
  puk: string;
}

export const drawCodes = (): CardCodes => ({ pin: randomDigits(8), puk: randomDigits(8) });

export async function sealCodes(dataKey: string, serial: string, codes: CardCodes) {
  return {
    sealedPin: await encryptSecret(dataKey, codes.pin, `pin:${serial}`),
    sealedPuk: await encryptSecret(dataKey, codes.puk, `puk:${serial}`),
  };
}

export async function unsealCodes(dataKey: string, serial: string, sealed: { sealedPin: string; sealedPuk: string }): Promise<CardCodes> {
  return {
    pin: await decryptSecret(dataKey, sealed.sealedPin, `pin:${serial}`),
    puk: await decryptSecret(dataKey, sealed.sealedPuk, `puk:${serial}`),
  };
}

/** The two halves as the citizen receives them: the receipt at the Comune, the letter with the card. */
export function printedCodes(serial: string, codes: CardCodes) {
  return {
    serial,
    pin: codes.pin,
    puk: codes.puk,
    receipt: { pinFirstHalf: codes.pin.slice(0, 4), pukFirstHalf: codes.puk.slice(0, 4) },
    letter: { pinSecondHalf: codes.pin.slice(4), pukSecondHalf: codes.puk.slice(4) },
  };
}
