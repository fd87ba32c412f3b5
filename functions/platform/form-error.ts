import { html, type SafeHtml } from './html';

/**
 * The message of a refused form (WCAG 3.3.1, 4.1.3). Its id is a contract between pages: the fields
 * in error point to it with `aria-describedby`, so a screen reader reads why with the field.
 */
export const ERROR_ID = 'errore';

/**
 * `autofocus` moves focus to the message when the re-rendered page loads — no script, which the CSP
 * would refuse inline anyway — instead of leaving it on <body>; `tabindex="-1"` is what makes a div
 * focusable (by the browser, not by Tab). A page has one such message, so one autofocus.
 */
export function errorBox(content: SafeHtml | string): SafeHtml {
  return html`<div class="alert alert-danger" role="alert" id="${ERROR_ID}" tabindex="-1" autofocus>${content}</div>`;
}

/**
 * A field's `aria-invalid` and `aria-describedby`: the message first when the field is in error,
 * then its own hint, if any. Empty when there is nothing to say.
 */
export function fieldAria(invalid: boolean, hintId?: string): SafeHtml {
  const ids = [invalid ? ERROR_ID : '', hintId ?? ''].filter(Boolean).join(' ');
  return html`${invalid ? html` aria-invalid="true"` : ''}${ids ? html` aria-describedby="${ids}"` : ''}`;
}
