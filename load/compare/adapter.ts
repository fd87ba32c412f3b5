import type { Selection } from 'k6/html';
import type { CompareUser } from './data.ts';

/**
 * What differs between the two targets once /authorize has redirected the browser: the hops to the
 * redirect back to the RP, each one a k6 `step` tag. login.ts drives them; the last hop's answer
 * must be the redirect to the redirect_uri with the code.
 *   follow — GET the previous answer's Location
 *   submit — post the form of the previous page that `form` picks, its own fields (hidden CSRF
 *            token, uid) with `values` on top
 */
export type Hop =
  | { step: string; kind: 'follow'; expect: number }
  | { step: string; kind: 'submit'; form: (form: Selection) => boolean; values?: (user: CompareUser) => Record<string, string>; expect: number };

export interface Adapter {
  hops: Hop[];
}

export const hasField = (name: string) => (form: Selection) => form.find(`input[name="${name}"]`).size() > 0;
export const hasButton = (text: string) => (form: Selection) => form.find('button').text().trim() === text;
export const credentials = (user: CompareUser) => ({ username: user.username, password: user.password });
