import { expect } from 'vitest';
import { unescapeHtml, type Page } from './activation-client';

/**
 * Attributes of our own pages' elements, read from the markup the templates produce (double-quoted
 * values, no `>` inside one): what a screen reader is told about a field or a message.
 */
export function attributesOf(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  const body = tag.replace(/^<\s*[\w-]+/, '').replace(/\/?>$/, '');
  for (const m of body.matchAll(/([\w:-]+)(?:="([^"]*)")?/g)) out[m[1]!.toLowerCase()] = unescapeHtml(m[2] ?? '');
  return out;
}

/** The opening tags of every element matching `selector`, a tag name plus `[attr="value"]` filters. */
function tags(html: string, name: string, filters: Record<string, string>): Record<string, string>[] {
  return [...html.matchAll(new RegExp(`<${name}\\b[^>]*>`, 'g'))]
    .map((m) => attributesOf(m[0]))
    .filter((a) => Object.entries(filters).every(([k, v]) => a[k] === v));
}

/** The one element with this id (its attributes), failing when there is none or more than one. */
export function byId(page: Page, id: string): Record<string, string> {
  const found = [...page.html.matchAll(/<[a-z][\w-]*\b[^>]*>/g)].map((m) => attributesOf(m[0])).filter((a) => a.id === id);
  expect(found, `elements with id="${id}"`).toHaveLength(1);
  return found[0]!;
}

/** The refused form's message: the danger alert, focused on load and named by the fields in error. */
export function expectFocusedErrorBox(page: Page): void {
  const boxes = tags(page.html, 'div', { role: 'alert' }).filter((a) => a.class?.split(' ').includes('alert-danger'));
  expect(boxes, 'danger alerts').toHaveLength(1);
  expect(boxes[0]).toMatchObject({ id: 'errore', tabindex: '-1', autofocus: '' });
  expect(page.html.match(/\sautofocus[\s>]/g), 'one autofocus on the page').toHaveLength(1);
}

/**
 * WCAG 3.3.1: exactly the fields named (by id) are marked invalid and described by the message
 * first, then by their own hint when they have one; every other field of the page is not.
 */
export function expectInvalidFields(page: Page, invalid: readonly string[], hints: Record<string, string> = {}): void {
  const fields = [...page.html.matchAll(/<input\b[^>]*>/g)].map((m) => attributesOf(m[0])).filter((a) => a.id && a.type !== 'hidden');
  for (const field of fields) {
    const id = field.id!;
    const hint = hints[id];
    if (invalid.includes(id)) {
      expect(field['aria-invalid'], `aria-invalid of #${id}`).toBe('true');
      expect(field['aria-describedby'], `aria-describedby of #${id}`).toBe(hint ? `errore ${hint}` : 'errore');
    } else {
      expect(field['aria-invalid'], `aria-invalid of #${id}`).toBeUndefined();
      expect(field['aria-describedby'] ?? '', `aria-describedby of #${id}`).not.toContain('errore');
      if (hint) expect(field['aria-describedby'], `aria-describedby of #${id}`).toBe(hint);
    }
  }
  for (const id of invalid)
    expect(
      fields.map((f) => f.id),
      `a field #${id} on the page`,
    ).toContain(id);
}
