import { CSRF_FIELD } from './csrf';
import { withSecurityHeaders } from './http';

/**
 * Auto-escaping templates: every interpolated value is escaped unless it is already `SafeHtml`
 * (the result of another `html` template), so a citizen's input or an RP's name cannot inject markup.
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString() {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c]!);
}

type Interpolation = SafeHtml | string | number | boolean | null | undefined | Interpolation[];

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new SafeHtml(out);
}

/** The hidden field every form of ours posts its CSRF token in (platform/csrf checks it). */
export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${token}">`;
}

/**
 * Strict: no inline script or style anywhere; never framed. Forms post only to us — plus, on a page
 * whose posts end in a redirect to a relying party, that RP's origin: browsers apply `form-action`
 * to the redirect that follows a form post too.
 */
export function contentSecurityPolicy(formActionOrigins: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    // Bootstrap Italia's stylesheet embeds one icon font (Video.js) as a data: URI.
    "font-src 'self' data:",
    "connect-src 'self'",
    ["form-action 'self'", ...formActionOrigins].join(' '),
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

export const CONTENT_SECURITY_POLICY = contentSecurityPolicy();

export interface PageOptions {
  title: string;
  body: SafeHtml;
  /** The small header line above the page title ("Attivazione credenziali"…). */
  section?: string;
  /** Whose site this is; CieID's unless said otherwise (the demo relying party has its own). */
  brand?: Brand;
}

export interface Brand {
  name: string;
  tagline: string;
  href: string;
}

const CIEID_BRAND: Brand = { name: 'CieID', tagline: "Identità digitale della Carta d'Identità Elettronica", href: '/' };

/** The public-sector footer's pages (AgID): the same four on every page, demo included. */
const FOOTER_LINKS: readonly { href: string; text: string }[] = [
  { href: '/accessibilita', text: 'Dichiarazione di accessibilità' },
  { href: '/privacy', text: 'Privacy' },
  { href: '/assistenza', text: 'Assistenza' },
  { href: '/note-legali', text: 'Note legali' },
];

function footer(brand: Brand): SafeHtml {
  return html`<footer class="it-footer">
  <div class="it-footer-main"><div class="container"><section>
    <div class="it-brand-wrapper"><a href="${brand.href}"><div class="it-brand-text">
      <span class="h2">${brand.name}</span>
      <span class="h3 d-block">${brand.tagline}</span>
    </div></a></div>
  </section></div></div>
  <div class="it-footer-small-prints clearfix"><div class="container">
    <nav aria-label="Informazioni sul servizio">
      <ul class="it-footer-small-prints-list list-inline mb-0 d-flex flex-column flex-md-row">
${FOOTER_LINKS.map(
  (l) => html`        <li class="list-inline-item"><a href="${l.href}">${l.text}</a></li>
`,
)}      </ul>
    </nav>
  </div></div>
</footer>`;
}

/**
 * Every page: the skip link first (WCAG 2.4.1), the header, the page's content in `<main id="main">`,
 * the footer; the body is a full-height column so that the footer sits at the bottom of a short page.
 */
export function layout({ title, body, section, brand = CIEID_BRAND }: PageOptions): SafeHtml {
  return html`<!doctype html>
<html lang="it">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${brand.name}</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/bootstrap-italia/css/bootstrap-italia.min.css">
<link rel="stylesheet" href="/cieid.css">
</head>
<body class="d-flex flex-column min-vh-100">
<div class="skiplinks"><a class="visually-hidden-focusable" href="#main">Vai al contenuto principale</a></div>
<header class="it-header-wrapper">
  <div class="it-header-center-wrapper"><div class="container"><div class="it-header-center-content-wrapper">
    <div class="it-brand-wrapper"><a href="${brand.href}"><div class="it-brand-text">
      <div class="it-brand-title">${brand.name}</div>
      <div class="it-brand-tagline">${brand.tagline}</div>
    </div></a></div>
  </div></div></div>
</header>
<main class="container my-4 flex-grow-1" id="main">
${section ? html`<p class="text-uppercase fw-semibold text-secondary mb-1">${section}</p>` : ''}
${body}
</main>
${footer(brand)}
</body>
</html>`;
}

export function page(options: PageOptions, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(layout(options).value, {
    status,
    headers: withSecurityHeaders({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      ...headers,
    }),
  });
}

/** A plain error page (unknown route, expired flow, refused request); `headers` such as Retry-After. */
export function errorPage(
  status: number,
  title: string,
  message: string,
  link?: { href: string; text: string },
  headers: Record<string, string> = {},
): Response {
  return page(
    {
      title,
      body: html`<div class="alert alert-danger" role="alert"><h1 class="h4">${title}</h1><p>${message}</p></div>
${link ? html`<a class="btn btn-primary" href="${link.href}">${link.text}</a>` : ''}`,
    },
    status,
    headers,
  );
}
