import { CheckFailure, type CheckContext } from '../core/check.ts';
import type { HttpResponse } from '../core/http.ts';
import { CookieJar } from './cookie-jar.ts';
import { Page } from './html-page.ts';

/** What to type: by label, a string for text fields, `true` to tick a checkbox or choose a radio. */
export type FieldValues = Record<string, string | boolean>;

export interface NavigateOptions {
  /** Follow redirects within the deployment (default true); a redirect elsewhere is always returned. */
  follow?: boolean;
  headers?: Record<string, string>;
}

export interface SubmitOptions extends NavigateOptions {
  /** Raw name → value applied last, to forge or drop a field (null removes it). */
  raw?: Record<string, string | null>;
}

// 307/308 would repeat a POST; the service never sends them, so they are returned, not followed.
const REDIRECTS = new Set([301, 302, 303]);
const MAX_HOPS = 10;

/**
 * A citizen's browser: a cookie jar for the deployment's origin and a reader of its pages. It
 * knows no routes but the entry points it is sent to; everything else it finds on the pages —
 * links by their text, forms by their button text, fields by their label. Redirects within the
 * deployment are followed (like a browser, when asked); a redirect to another origin (the RP's
 * redirect_uri) ends the navigation and is handed to the caller as the page's `location`.
 */
export class Browser {
  readonly ctx: CheckContext;
  readonly origin: string;
  readonly cookies = new CookieJar();

  constructor(ctx: CheckContext) {
    this.ctx = ctx;
    this.origin = ctx.baseUrl.origin;
  }

  /** One request, cookies sent to and kept from the deployment only. */
  async request(method: string, target: string | URL, options: { form?: URLSearchParams; headers?: Record<string, string> } = {}): Promise<HttpResponse> {
    const url = new URL(target, this.ctx.baseUrl);
    const own = url.origin === this.origin;
    const headers: Record<string, string> = { ...options.headers };
    const cookie = own ? this.cookies.header(url) : null;
    if (cookie && !Object.keys(headers).some((h) => h.toLowerCase() === 'cookie')) headers.Cookie = cookie;
    const res = await this.ctx.http.request(method, url, { headers, ...(options.form ? { form: options.form } : {}) });
    if (own) for (const line of res.headers.getSetCookie()) this.cookies.store(line, url);
    return res;
  }

  async open(target: string | URL, options: NavigateOptions = {}): Promise<Page> {
    const url = new URL(target, this.ctx.baseUrl);
    return this.settle(url, await this.request('GET', url, options), options);
  }

  /** A form post as a browser makes it: Origin of the page that holds the form. */
  async post(target: string | URL, form: URLSearchParams, options: NavigateOptions & { origin?: string } = {}): Promise<Page> {
    const url = new URL(target, this.ctx.baseUrl);
    const res = await this.request('POST', url, { form, headers: { Origin: options.origin ?? this.origin, ...options.headers } });
    return this.settle(url, res, options);
  }

  /**
   * Fills the form that holds `button` (its hidden fields as they are, the others by label), then
   * presses the button: to its formaction or the form's action, with the form's method.
   */
  async submit(page: Page, button: string, values: FieldValues = {}, options: SubmitOptions = {}): Promise<Page> {
    const form = page.formOf(button);
    const fields = form.fields.map((f) => ({ ...f }));
    for (const [label, value] of Object.entries(values)) {
      const target = fields.find((f) => f.label === label);
      if (!target) {
        const known = fields.map((f) => f.label).filter(Boolean);
        throw new CheckFailure(
          `no field labelled "${label}" in the form of "${button}" on ${page.describe()}; labels: ${known.map((l) => `"${l}"`).join(', ') || 'none'}`,
        );
      }
      if (target.type === 'radio') {
        for (const f of fields) if (f.name === target.name) f.checked = false;
        target.checked = value === true;
      } else if (target.type === 'checkbox') {
        target.checked = value === true;
      } else {
        target.value = String(value);
      }
    }
    const body = new URLSearchParams();
    for (const f of fields) {
      if ((f.type === 'checkbox' || f.type === 'radio') && !f.checked) continue;
      body.append(f.name, f.value);
    }
    const pressed = form.buttons.find((b) => b.text === button)!;
    if (pressed.name) body.append(pressed.name, pressed.value);
    for (const [name, value] of Object.entries(options.raw ?? {})) {
      if (value === null) body.delete(name);
      else body.set(name, value);
    }
    const action = new URL(pressed.formaction ?? form.action ?? page.url.href, page.url);
    const method = (pressed.formmethod ?? form.method).toLowerCase();
    if (method === 'get') {
      action.search = body.toString();
      return this.open(action, options);
    }
    return this.post(action, body, { ...options, origin: page.url.origin });
  }

  private async settle(url: URL, res: HttpResponse, options: NavigateOptions): Promise<Page> {
    const hops: number[] = [];
    let current = url;
    let answer = res;
    while (options.follow !== false && REDIRECTS.has(answer.status) && answer.headers.get('Location')) {
      const next = new URL(answer.headers.get('Location')!, current);
      if (next.origin !== this.origin) break;
      if (hops.length >= MAX_HOPS) throw new CheckFailure(`more than ${MAX_HOPS} redirects from ${url.pathname}`);
      hops.push(answer.status);
      current = next;
      answer = await this.request('GET', next);
    }
    return new Page(current, answer.status, answer.headers, answer.text, hops);
  }
}
