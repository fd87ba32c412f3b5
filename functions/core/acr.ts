import type { Level } from './login-levels';

export type { Level };

/** R-LVL-4: the protocol names of the levels of assurance (`acr`, `acr_values`). */
export const ACR_VALUES: Record<Level, string> = {
  1: 'https://www.spid.gov.it/SpidL1',
  2: 'https://www.spid.gov.it/SpidL2',
  3: 'https://www.spid.gov.it/SpidL3',
};

const LEVEL_OF_ACR = new Map<string, Level>((Object.entries(ACR_VALUES) as [string, string][]).map(([level, acr]) => [acr, Number(level) as Level]));

export const acrOf = (level: Level): string => ACR_VALUES[level];

export function levelOfAcr(acr: string): Level | null {
  return LEVEL_OF_ACR.get(acr) ?? null;
}

/**
 * `acr_values` is a space-separated list in order of preference; every value must be known. The
 * level asked of the login is the most preferred one (the first).
 */
export function requestedLevel(acrValues: string): Level | null {
  const values = acrValues.split(' ').filter(Boolean);
  if (!values.length || values.length > 3) return null;
  const levels = values.map(levelOfAcr);
  if (levels.some((l) => l === null)) return null;
  return levels[0]!;
}
