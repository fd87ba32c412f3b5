/**
 * R-APP-2: the "codice App CieID" unlocks the device's key on the phone. The server never stores it;
 * it only holds the App to the policy the citizen is shown, so a weak code is refused the same way
 * whichever App build sent it.
 */
export const APP_CODE_LENGTH = 6;

export type AppCodeProblem = 'length' | 'charset' | 'no_digit' | 'no_letter' | 'digit_repeated' | 'digit_sequence';

export const APP_CODE_MESSAGES: Readonly<Record<AppCodeProblem, string>> = {
  length: `Il codice App deve essere di ${APP_CODE_LENGTH} caratteri.`,
  charset: 'Il codice App può contenere solo lettere e numeri.',
  no_digit: 'Il codice App deve contenere almeno un numero.',
  no_letter: 'Il codice App deve contenere almeno una lettera.',
  digit_repeated: 'Il codice App non può contenere lo stesso numero più di 2 volte.',
  digit_sequence: 'Il codice App non può contenere sequenze crescenti o decrescenti di 3 numeri.',
};

/** "non più di 2 numeri ripetuti": no digit occurs more than twice anywhere in the code. */
function repeatsADigit(code: string): boolean {
  const counts = new Map<string, number>();
  for (const c of code) if (/[0-9]/.test(c)) counts.set(c, (counts.get(c) ?? 0) + 1);
  return [...counts.values()].some((n) => n > 2);
}

/** Three consecutive characters that are digits stepping by +1 or by -1 ("123", "987"). */
function hasDigitRun(code: string): boolean {
  for (let i = 0; i + 2 < code.length; i++) {
    const [a, b, c] = [code[i]!, code[i + 1]!, code[i + 2]!];
    if (!/^[0-9]{3}$/.test(a + b + c)) continue;
    const d1 = Number(b) - Number(a);
    const d2 = Number(c) - Number(b);
    if (d1 === d2 && (d1 === 1 || d1 === -1)) return true;
  }
  return false;
}

/** Every rule the code breaks (empty: acceptable). Letters are ASCII: the App's keyboard offers no others. */
export function appCodeProblems(code: string): AppCodeProblem[] {
  if (code.length !== APP_CODE_LENGTH) return ['length'];
  if (!/^[A-Za-z0-9]+$/.test(code)) return ['charset'];
  const problems: AppCodeProblem[] = [];
  if (!/[0-9]/.test(code)) problems.push('no_digit');
  if (!/[A-Za-z]/.test(code)) problems.push('no_letter');
  if (repeatsADigit(code)) problems.push('digit_repeated');
  if (hasDigitRun(code)) problems.push('digit_sequence');
  return problems;
}
