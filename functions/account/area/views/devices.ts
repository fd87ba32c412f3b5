import { romeTime } from '../../../core/notices';
import { type SafeHtml, csrfField, html } from '../../../platform/html';
import type { DeviceListing } from '../../../../durable-objects/device-table';
import { AREA_PATHS, areaPage } from '../layout';
import type { AreaSession } from '../session';

/** Where a device's revocation is confirmed and posted. */
export const revokePath = (deviceId: string): string => `${AREA_PATHS.devices}/${encodeURIComponent(deviceId)}/revoca`;

function deviceCard(d: DeviceListing): SafeHtml {
  const live = d.revokedAt === null;
  return html`<li class="col-12 col-md-6"><div class="card-wrapper h-100 pb-0"><div class="card card-bg"><div class="card-body">
  <div class="d-flex flex-wrap justify-content-between align-items-start gap-2">
    <h2 class="h5 card-title mb-0">${d.name}</h2>
    <span class="badge ${live ? 'bg-success' : 'bg-secondary'}">${live ? 'Certificato' : 'Revocato'}</span>
  </div>
  <dl class="row small mt-3 mb-0">
    <dt class="col-6">Certificato il</dt><dd class="col-6">${romeTime(d.createdAt)}</dd>
    <dt class="col-6">Ultimo utilizzo</dt><dd class="col-6">${d.lastUsedAt === null ? 'Mai utilizzato' : romeTime(d.lastUsedAt)}</dd>
    ${live ? '' : html`<dt class="col-6">Revocato il</dt><dd class="col-6">${romeTime(d.revokedAt!)}</dd>`}
    <dt class="col-6">Notifiche</dt><dd class="col-6">${d.notifications ? 'Attive' : 'Non attive'}</dd>
  </dl>
  ${live ? html`<a class="btn btn-outline-danger btn-sm mt-3" href="${revokePath(d.id)}">Revoca<span class="visually-hidden"> ${d.name}</span></a>` : ''}
</div></div></div></li>`;
}

/** "Dispositivi" (R-ACC-5): the certified devices, live first, each with its dates and "Revoca". */
export function devicesPage(session: AreaSession, devices: readonly DeviceListing[], revokedName: string | null): Response {
  const ordered = [...devices].sort((a, b) => Number(a.revokedAt !== null) - Number(b.revokedAt !== null) || b.createdAt - a.createdAt);
  return areaPage({
    title: 'Dispositivi',
    current: 'dispositivi',
    session,
    body: html`${
      revokedName === null
        ? ''
        : html`<div class="alert alert-success" role="status">Il dispositivo «${revokedName}» è stato revocato: da adesso non può più autorizzare accessi.</div>`
    }
<p class="lead">I dispositivi su cui hai certificato l’App CieID. Un dispositivo certificato autorizza gli accessi di livello 2 (notifica o QR code) e, se vi hai registrato la carta, quelli di livello 3.</p>
${
  ordered.length
    ? html`<ul class="row g-3 list-unstyled">${ordered.map(deviceCard)}</ul>`
    : html`<div class="alert alert-info" role="status">Non hai dispositivi certificati. Per certificarne uno scarica l’App CieID sul tuo smartphone e segui le istruzioni.</div>`
}
<p class="mt-4 small">Se non riconosci un dispositivo, revocalo e cambia la password da <a href="${AREA_PATHS.profile}">Gestione CieID</a>.</p>`,
  });
}

/** The confirmation before "Revoca" (R-APP-4): what revoking does, and the way back. */
export function revokeConfirmPage(session: AreaSession, device: DeviceListing): Response {
  return areaPage({
    title: 'Revoca dispositivo',
    current: null,
    parent: 'dispositivi',
    session,
    body: html`<div class="alert alert-warning" role="alert">
  <p class="mb-2">Vuoi revocare il dispositivo <strong>«${device.name}»</strong>, certificato il ${romeTime(device.createdAt)}?</p>
  <p class="mb-0">Da subito non potrà più autorizzare accessi con l’App CieID, nemmeno quelli già in attesa. Per usarlo di nuovo dovrai certificarlo un’altra volta.</p>
</div>
<form method="post" action="${revokePath(device.id)}" class="d-flex flex-wrap gap-2">
  ${csrfField(session.csrf)}
  <button type="submit" class="btn btn-danger">Revoca dispositivo</button>
  <a class="btn btn-outline-primary" href="${AREA_PATHS.devices}">Annulla</a>
</form>`,
  });
}
