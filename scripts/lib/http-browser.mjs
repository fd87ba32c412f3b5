/**
 * A small browser over plain HTTP for the server-rendered pages, for Node tools (bench, end-to-end
 * tests): a cookie jar, forms read from our own markup (fields by name or `<label for>` text,
 * buttons by text), and redirects followed only when asked, so a caller sees the OP's 302 to an RP.
 */
const ENTITIES = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&#96;': '`' };
const unescapeHtml = (s) => s.replace(/&(?:amp|lt|gt|quot|#39|#96);/g, (e) => ENTITIES[e]);
const textOf = (fragment) =>
  unescapeHtml(fragment.replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();

function attributes(tag) {
  const out = {};
  const body = tag.replace(/^<\s*[\w-]+/, '').replace(/\/?>$/, '');
  for (const m of body.matchAll(/([\w:-]+)(?:="([^"]*)")?/g)) out[m[1].toLowerCase()] = unescapeHtml(m[2] ?? '');
  return out;
}

export class HtmlPage {
  constructor(url, status, html, headers) {
    this.url = url;
    this.status = status;
    this.html = html;
    this.headers = headers;
  }

  get heading() {
    return textOf(/<h1[^>]*>([\s\S]*?)<\/h1>/.exec(this.html)?.[1] ?? '');
  }

  get alert() {
    const m = /<div class="alert alert-danger"[^>]*role="alert"[^>]*>([\s\S]*?)<\/div>/.exec(this.html);
    return m ? textOf(m[1]) : null;
  }

  /** The form holding the button with this text: where it posts and what it would send. */
  form(button) {
    const labels = new Map();
    for (const m of this.html.matchAll(/<label([^>]*)>([\s\S]*?)<\/label>/g)) {
      const forId = attributes(`<label${m[1]}>`).for;
      if (forId) labels.set(forId, textOf(m[2]));
    }
    for (const m of this.html.matchAll(/(<form[^>]*>)([\s\S]*?)<\/form>/g)) {
      const buttons = [...m[2].matchAll(/(<button[^>]*>)([\s\S]*?)<\/button>/g)].map((b) => ({ text: textOf(b[2]), ...attributes(b[1]) }));
      const pressed = buttons.find((b) => b.text === button);
      if (!pressed) continue;
      const fields = [...m[2].matchAll(/<input[^>]*>/g)]
        .map((t) => attributes(t[0]))
        .filter((a) => a.name)
        .map((a) => ({ name: a.name, type: a.type ?? 'text', value: a.value ?? '', checked: 'checked' in a, label: a.id ? (labels.get(a.id) ?? null) : null }));
      // A browser sends the pressed button's own name and value too ("Scegli SMS" → mode=sms).
      if (pressed.name) fields.push({ name: pressed.name, type: 'submit', value: pressed.value ?? '', checked: false, label: null });
      return { action: pressed.formaction ?? attributes(m[1]).action ?? '', fields };
    }
    throw new Error(`no button "${button}" on ${this.url} (${this.status} "${this.heading}"): ${this.alert ?? ''}`);
  }
}

export class HttpBrowser {
  constructor(baseUrl) {
    this.baseUrl = baseUrl;
    this.origin = new URL(baseUrl).origin;
    this.cookies = new Map();
  }

  remember(res) {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || attrs.some((a) => /^\s*max-age=0\s*$/i.test(a))) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** One request, no redirect followed; cookies sent to and kept from our own origin only. */
  async fetch(target, init = {}) {
    const url = new URL(target, this.baseUrl);
    const headers = new Headers(init.headers);
    const own = url.origin === this.origin;
    if (own && this.cookies.size) headers.set('Cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    if (own) this.remember(res);
    return res;
  }

  async page(res, url) {
    return new HtmlPage(url, res.status, await res.text(), res.headers);
  }

  /** GET, following redirects within our origin; stops at a redirect elsewhere (to an RP). */
  async open(target) {
    let url = new URL(target, this.baseUrl);
    for (let hops = 0; hops < 10; hops++) {
      const res = await this.fetch(url);
      const location = res.headers.get('Location');
      if (![301, 302, 303, 307].includes(res.status) || !location) return this.page(res, url);
      const next = new URL(location, url);
      if (next.origin !== this.origin) return this.page(res, url);
      await res.body?.cancel();
      url = next;
    }
    throw new Error(`too many redirects from ${target}`);
  }

  /**
   * Presses a button: the form's own fields (hidden CSRF token, defaults) with `values` by field
   * name or label on top; a 303 is followed like a browser, any other answer returned as a page.
   */
  async submit(page, button, values = {}) {
    const form = page.form(button);
    const body = new URLSearchParams();
    const chosen = new Map();
    for (const [key, value] of Object.entries(values)) {
      const field = form.fields.find((f) => f.name === key) ?? form.fields.find((f) => f.label === key);
      if (!field) throw new Error(`no field "${key}" in the form of "${button}" on ${page.url}`);
      chosen.set(field, value);
      // Choosing one radio button unchooses the others of its group, as in a browser.
      if (field.type === 'radio' && value === true) {
        for (const other of form.fields) if (other !== field && other.name === field.name) chosen.set(other, false);
      }
    }
    for (const f of form.fields) {
      const value = chosen.get(f);
      if (f.type === 'checkbox' || f.type === 'radio') {
        if (value === true || (value === undefined && f.checked)) body.append(f.name, f.value || 'on');
      } else {
        body.set(f.name, value === undefined ? f.value : String(value));
      }
    }
    const url = new URL(form.action, page.url);
    const res = await this.fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: this.origin },
      body: body.toString(),
    });
    if (res.status === 303) {
      await res.body?.cancel();
      return this.open(new URL(res.headers.get('Location'), url));
    }
    return this.page(res, url);
  }
}
