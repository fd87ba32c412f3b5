import { parseHTML, type Selection } from 'k6/html';
import { resolveUrl } from './url.ts';

/**
 * Reading the server-rendered pages as a browser would: which form a button submits, where to, and
 * what the form sends besides the fields the citizen types (the CSRF token, prefilled values).
 *
 * API:
 * - `Form`: `{ action, fields }`, action absolute, fields by name.
 * - `formOf(html, pageUrl, { button?, action? })`: the form holding the button with that text (a
 *   button's `formaction` wins over the form's action, as in a browser) or the form posting to that
 *   action path; null when the page has none.
 * - `fill(form, values)`: the fields to post — the form's own, overridden by `values`.
 * - `heading(html)`: the page's `<h1>` text; `alert(html)`: the text of its error alert, if any.
 * - `labelled(html, pattern)`: `{ name, match }` for each input whose `<label for>` text matches.
 * - `resolveUrl` (from url.ts): a Location or action resolved against a base URL.
 */
export { resolveUrl };

export interface Form {
  action: string;
  fields: Record<string, string>;
}

const squash = (text: string): string => text.replace(/\s+/g, ' ').trim();

function items(selection: Selection): Selection[] {
  const out: Selection[] = [];
  for (let i = 0; i < selection.size(); i++) out.push(selection.eq(i));
  return out;
}

/** What a browser would submit from the form's inputs: unchecked boxes and submit inputs send nothing. */
function fieldsOf(form: Selection): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const input of items(form.find('input'))) {
    const name = input.attr('name');
    const type = (input.attr('type') ?? 'text').toLowerCase();
    if (!name || type === 'submit' || type === 'button' || type === 'image') continue;
    if ((type === 'checkbox' || type === 'radio') && input.attr('checked') === undefined) continue;
    fields[name] = input.attr('value') ?? (type === 'checkbox' || type === 'radio' ? 'on' : '');
  }
  return fields;
}

export function formOf(html: string, pageUrl: string, want: { button?: string; action?: string }): Form | null {
  for (const form of items(parseHTML(html).find('form'))) {
    const formAction = resolveUrl(form.attr('action') ?? '', pageUrl);
    if (want.button === undefined) {
      if (want.action !== undefined && formAction.endsWith(want.action)) return { action: formAction, fields: fieldsOf(form) };
      continue;
    }
    for (const button of items(form.find('button, input[type=submit]'))) {
      const text = squash(button.is('input') ? (button.attr('value') ?? '') : button.text());
      if (text !== want.button) continue;
      const fields = fieldsOf(form);
      const name = button.attr('name');
      if (name) fields[name] = button.attr('value') ?? '';
      const formaction = button.attr('formaction');
      return { action: formaction ? resolveUrl(formaction, pageUrl) : formAction, fields };
    }
  }
  return null;
}

export function fill(form: Form, values: Record<string, string | undefined> = {}): Record<string, string> {
  const out = { ...form.fields };
  for (const [name, value] of Object.entries(values)) if (value !== undefined) out[name] = value;
  return out;
}

export const heading = (html: string): string => squash(parseHTML(html).find('h1').first().text());

export function alert(html: string): string | null {
  const box = parseHTML(html).find('[role=alert]').first();
  return box.size() ? squash(box.text()) : null;
}

export function labelled(html: string, pattern: RegExp): { name: string; match: RegExpExecArray }[] {
  const doc = parseHTML(html);
  const out: { name: string; match: RegExpExecArray }[] = [];
  for (const label of items(doc.find('label[for]'))) {
    const match = pattern.exec(squash(label.text()));
    const id = label.attr('for');
    if (!match || !id) continue;
    const name = doc.find(`[id="${id}"]`).attr('name');
    if (name) out.push({ name, match });
  }
  return out;
}
