// node-html-parser rather than parse5: it answers CSS selectors (`[role=alert]`, `label[for]`) over
// a forgiving tree in one small, dependency-light package — what a form reader needs — whereas
// parse5 gives a spec-exact tree that would need a selector layer on top.
import { parse, TextNode, type HTMLElement } from 'node-html-parser';
import { CheckFailure } from '../core/check.ts';

export interface Field {
  name: string;
  /** input type, or `select` / `textarea`. */
  type: string;
  value: string;
  checked: boolean;
  /** The accessible name from its `<label>`, or null. */
  label: string | null;
}

export interface Button {
  text: string;
  name: string | null;
  value: string;
  formaction: string | null;
  formmethod: string | null;
}

export interface Form {
  action: string | null;
  method: string;
  fields: Field[];
  buttons: Button[];
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

/** An option's text, white space collapsed: its own text only, since an option left open holds the next one. */
const optionText = (option: HTMLElement) =>
  squash(
    option.childNodes
      .filter((n) => n instanceof TextNode)
      .map((n) => n.text)
      .join(''),
  );

/**
 * A page as a citizen's browser received it: status, headers and the HTML read the way a person
 * reads it — the heading, the alerts, the links, and forms whose fields are known by their labels.
 */
export class Page {
  readonly url: URL;
  readonly status: number;
  readonly headers: Headers;
  readonly html: string;
  /** Statuses of the redirects followed to get here (e.g. [303] after a form post). */
  readonly hops: number[];
  private tree: HTMLElement | null = null;

  constructor(url: URL, status: number, headers: Headers, html: string, hops: number[] = []) {
    this.url = url;
    this.status = status;
    this.headers = headers;
    this.html = html;
    this.hops = hops;
  }

  private get root(): HTMLElement {
    // By default node-html-parser deletes an element left open (its children move up): a <form>
    // closed only by the </div> around it, or a <select> whose optional </option> tags are
    // omitted, would vanish with its fields. Browsers keep them, so close them as browsers do.
    this.tree ??= parse(this.html, { closeAllByClosing: true, parseNoneClosedTags: true });
    return this.tree;
  }

  /** Where a redirect answer points, or null. */
  get location(): URL | null {
    const location = this.headers.get('Location');
    return this.status >= 300 && this.status < 400 && location ? new URL(location, this.url) : null;
  }

  get title(): string {
    return squash(this.root.querySelector('title')?.text ?? '');
  }

  get heading(): string {
    return squash(this.root.querySelector('h1')?.text ?? '');
  }

  get headings(): string[] {
    return this.root.querySelectorAll('h1, h2, h3').map((h) => squash(h.text));
  }

  /** The visible text of the main content (the whole body when there is no `<main>`). */
  get text(): string {
    return squash((this.root.querySelector('main') ?? this.root.querySelector('body') ?? this.root).text);
  }

  /** Error messages (`role="alert"`). */
  get alerts(): string[] {
    return this.root.querySelectorAll('[role=alert]').map((a) => squash(a.text));
  }

  get alert(): string | null {
    return this.alerts[0] ?? null;
  }

  /** Notices (`role="status"`), e.g. "a new code was sent". */
  get notices(): string[] {
    return this.root.querySelectorAll('[role=status]').map((a) => squash(a.text));
  }

  /** The stepper's current step (`aria-current="step"`), or null. */
  get currentStep(): string | null {
    const step = this.root.querySelector('[aria-current=step]');
    return step ? squash(step.text) : null;
  }

  /** Links that lead somewhere: an href that is no URL is no link for a browser either. */
  get links(): { text: string; href: URL }[] {
    return this.root.querySelectorAll('a[href]').flatMap((a) => {
      const href = URL.parse(a.getAttribute('href') ?? '', this.url.href);
      return href ? [{ text: squash(a.text), href }] : [];
    });
  }

  link(text: string): URL {
    const found = this.links.find((l) => l.text === text);
    if (!found) throw new CheckFailure(`no link "${text}" on ${this.describe()}; links: ${this.links.map((l) => `"${l.text}"`).join(', ') || 'none'}`);
    return found.href;
  }

  /** Items of the page's lists in `<main>` (e.g. the attributes on the consent page). */
  listItems(): string[] {
    const main = this.root.querySelector('main') ?? this.root;
    return main.querySelectorAll('ul li').map((li) => squash(li.text));
  }

  get forms(): Form[] {
    const labels = new Map<string, string>();
    for (const label of this.root.querySelectorAll('label[for]')) labels.set(label.getAttribute('for') ?? '', squash(label.text));
    return this.root.querySelectorAll('form').map((form) => {
      const fields: Field[] = [];
      for (const el of form.querySelectorAll('input, select, textarea')) {
        const name = el.getAttribute('name');
        if (!name) continue;
        const tag = el.tagName.toLowerCase();
        const type = tag === 'input' ? (el.getAttribute('type') ?? 'text').toLowerCase() : tag;
        if (type === 'submit' || type === 'button' || type === 'image' || type === 'reset') continue;
        const id = el.getAttribute('id');
        const wrapping = el.closest('label');
        const label = (id ? labels.get(id) : undefined) ?? (wrapping ? squash(wrapping.text) : null);
        let value = el.getAttribute('value') ?? '';
        if (tag === 'textarea') value = el.text;
        if (tag === 'select') {
          const option = el.querySelector('option[selected]') ?? el.querySelector('option');
          value = option ? (option.getAttribute('value') ?? optionText(option)) : '';
        }
        if ((type === 'checkbox' || type === 'radio') && el.getAttribute('value') === undefined) value = 'on';
        fields.push({ name, type, value, checked: el.hasAttribute('checked'), label });
      }
      // A <button>, or an <input type="submit"> whose value is both its text and what it sends.
      const buttons = form
        .querySelectorAll('button, input')
        .filter((b) => b.tagName === 'BUTTON' || b.getAttribute('type')?.toLowerCase() === 'submit')
        .map((b) => ({
          text: squash(b.tagName === 'BUTTON' ? b.text : (b.getAttribute('value') ?? '')),
          name: b.getAttribute('name') ?? null,
          value: b.getAttribute('value') ?? '',
          formaction: b.getAttribute('formaction') ?? null,
          formmethod: b.getAttribute('formmethod') ?? null,
        }));
      return { action: form.getAttribute('action') ?? null, method: (form.getAttribute('method') ?? 'get').toLowerCase(), fields, buttons };
    });
  }

  hasButton(text: string): boolean {
    return this.forms.some((f) => f.buttons.some((b) => b.text === text));
  }

  buttons(): string[] {
    return this.forms.flatMap((f) => f.buttons.map((b) => b.text));
  }

  /** The form holding the button with this text. */
  formOf(button: string): Form {
    const form = this.forms.find((f) => f.buttons.some((b) => b.text === button));
    if (!form)
      throw new CheckFailure(
        `no button "${button}" on ${this.describe()}; buttons: ${
          this.buttons()
            .map((b) => `"${b}"`)
            .join(', ') || 'none'
        }`,
      );
    return form;
  }

  field(label: string): Field {
    const found = this.forms.flatMap((f) => f.fields).find((f) => f.label === label);
    if (!found)
      throw new CheckFailure(
        `no field labelled "${label}" on ${this.describe()}; labels: ${
          this.labels()
            .map((l) => `"${l}"`)
            .join(', ') || 'none'
        }`,
      );
    return found;
  }

  hasField(label: string): boolean {
    return this.forms.some((f) => f.fields.some((x) => x.label === label));
  }

  labels(): string[] {
    return this.forms.flatMap((f) => f.fields.map((x) => x.label).filter((l): l is string => l !== null));
  }

  /** One line naming the page, for failure messages. */
  describe(): string {
    const alert = this.alert ? ` [alert: ${this.alert}]` : '';
    return `${this.status} ${this.url.pathname} "${this.heading || this.title}"${alert}`;
  }
}
