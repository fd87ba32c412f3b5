import { type SafeHtml, csrfField, html, page } from '../../platform/html';
import { AREA_HOME, type AreaSession } from './session';

/**
 * The personal area's paths (docs/account.md). The menu follows the guide's screen: "Home · Gestione
 * CieID · Dispositivi · Elenco accessi · Domande frequenti".
 */
export const AREA_PATHS = {
  home: AREA_HOME,
  login: `${AREA_HOME}/accedi`,
  callback: `${AREA_HOME}/callback`,
  logout: `${AREA_HOME}/esci`,
  profile: `${AREA_HOME}/gestione`,
  password: `${AREA_HOME}/password`,
  mode: `${AREA_HOME}/modalita`,
  email: `${AREA_HOME}/email`,
  devices: `${AREA_HOME}/dispositivi`,
  accessLog: `${AREA_HOME}/accessi`,
  revocation: `${AREA_HOME}/revoca`,
  level3: `${AREA_HOME}/livello3`,
  faq: `${AREA_HOME}/domande-frequenti`,
} as const;

export type AreaMenuItem = 'home' | 'gestione' | 'dispositivi' | 'accessi' | 'domande';

const MENU: readonly { item: AreaMenuItem; href: string; text: string }[] = [
  { item: 'home', href: AREA_PATHS.home, text: 'Home' },
  { item: 'gestione', href: AREA_PATHS.profile, text: 'Gestione CieID' },
  { item: 'dispositivi', href: AREA_PATHS.devices, text: 'Dispositivi' },
  { item: 'accessi', href: AREA_PATHS.accessLog, text: 'Elenco accessi' },
  { item: 'domande', href: AREA_PATHS.faq, text: 'Domande frequenti' },
];

export const AREA_SECTION = 'Area personale';

export interface AreaPageOptions {
  /** The page's heading, its breadcrumb's last item and its <title>. */
  title: string;
  /** The menu item marked current (aria-current="page"); none for a page below one (a form). */
  current: AreaMenuItem | null;
  session: AreaSession;
  body: SafeHtml;
  status?: number;
  /** A parent between "Area personale" and the page ("Gestione CieID" above "Modifica Password"). */
  parent?: AreaMenuItem;
}

function menu(current: AreaMenuItem | null, session: AreaSession): SafeHtml {
  return html`<div class="d-flex flex-wrap align-items-center justify-content-between gap-2 border-bottom pb-2 mb-3">
<nav aria-label="Menu dell’area personale"><ul class="nav">
${MENU.map(
  (m) =>
    html`<li class="nav-item"><a class="nav-link${m.item === current ? ' active fw-bold' : ''}" href="${m.href}"${m.item === current ? html` aria-current="page"` : ''}>${m.text}</a></li>
`,
)}</ul></nav>
<form method="post" action="${AREA_PATHS.logout}">${csrfField(session.csrf)}<button type="submit" class="btn btn-outline-primary btn-sm">Esci</button></form>
</div>`;
}

function breadcrumb(title: string, parent: AreaMenuItem | undefined): SafeHtml {
  // Home is the area itself: its breadcrumb is the one item.
  if (title === AREA_SECTION) {
    return html`<nav class="breadcrumb-container" aria-label="Percorso di navigazione"><ol class="breadcrumb"><li class="breadcrumb-item active" aria-current="page">${AREA_SECTION}</li></ol></nav>`;
  }
  const middle = parent ? MENU.find((m) => m.item === parent) : undefined;
  return html`<nav class="breadcrumb-container" aria-label="Percorso di navigazione"><ol class="breadcrumb">
<li class="breadcrumb-item"><a href="${AREA_PATHS.home}">Area personale</a><span class="separator">/</span></li>
${middle ? html`<li class="breadcrumb-item"><a href="${middle.href}">${middle.text}</a><span class="separator">/</span></li>` : ''}
<li class="breadcrumb-item active" aria-current="page">${title}</li>
</ol></nav>`;
}

/** The area's shell around a page: the menu with "Esci", the breadcrumb, the heading, the page. */
export function areaPage({ title, current, session, body, status = 200, parent }: AreaPageOptions): Response {
  return page(
    {
      title,
      section: AREA_SECTION,
      body: html`${menu(current, session)}
${breadcrumb(title, parent)}
<h1 class="h2 mb-4">${title}</h1>
${body}`,
    },
    status,
  );
}
