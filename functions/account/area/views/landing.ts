import { html, page } from '../../../platform/html';
import { AREA_PATHS, AREA_SECTION, areaPage } from '../layout';
import type { AreaSession } from '../session';

/**
 * GET /area-personale without a session: the guide's "Accedi" page ("Per accedere al sito e ai suoi
 * servizi, utilizza una delle seguenti modalità"), whose one way in is CieID itself at level 2.
 */
export function landingPage(notice: 'uscita' | null = null, status = 200): Response {
  return page(
    {
      title: 'Accedi all’area personale',
      section: AREA_SECTION,
      body: html`<h1 class="h2">Accedi all’area personale</h1>
${notice === 'uscita' ? html`<div class="alert alert-success" role="status">Sei uscito dall’area personale.</div>` : ''}
<p class="lead">Nell’area personale gestisci le tue credenziali CieID: password, modalità di utilizzo, dispositivi, elenco degli accessi.</p>
<p>Per accedere al sito e ai suoi servizi, utilizza una delle seguenti modalità.</p>
<div class="card-wrapper pb-0"><div class="card card-bg"><div class="card-body">
  <h2 class="h5 card-title">CIE</h2>
  <p class="card-text">Accedi con la tua identità digitale: username, password e codice via SMS o App CieID (livello 2).</p>
  <a class="btn btn-primary" href="${AREA_PATHS.login}">Accedi</a>
</div></div></div>`,
    },
    status,
  );
}

/** A login to the area that did not end in a session, and why, with the way to try again. */
export function loginFailedPage(message: string, status = 400): Response {
  return page(
    {
      title: 'Accesso non completato',
      section: AREA_SECTION,
      body: html`<div class="alert alert-danger" role="alert"><h1 class="h4">Accesso non completato</h1><p>${message}</p></div>
<a class="btn btn-primary" href="${AREA_PATHS.login}">Accedi di nuovo</a>`,
    },
    status,
  );
}

/** GET /area-personale with a session: "Home", the way to each part of the area. */
export function homePage(session: AreaSession, name: string): Response {
  const tile = (title: string, text: string, href: string, action: string) =>
    html`<div class="col-md-4"><div class="card-wrapper h-100 pb-0"><div class="card card-bg"><div class="card-body">
    <h2 class="h5 card-title">${title}</h2>
    <p class="card-text">${text}</p>
    <a class="btn btn-outline-primary" href="${href}">${action}</a>
  </div></div></div></div>`;
  return areaPage({
    title: 'Area personale',
    current: 'home',
    session,
    body: html`<p class="lead">Benvenuto, ${name}.</p>
<div class="row g-3">
  ${tile('Gestione CieID', 'Stato delle credenziali, password, modalità di utilizzo, livello 3, contatti.', AREA_PATHS.profile, 'Vai a Gestione CieID')}
  ${tile('Dispositivi', 'I dispositivi certificati per l’App CieID.', AREA_PATHS.devices, 'Vai a Dispositivi')}
  ${tile('Elenco accessi', 'Gli accessi fatti con le tue credenziali.', AREA_PATHS.accessLog, 'Vai a Elenco accessi')}
</div>`,
  });
}
