import { expect } from 'vitest';
import type { Page } from './activation-client';
import { type Approval, VirtualApp } from './app-client';
import { type Holder, type OpenLogin, holder, openLogin, signIn } from './login-client';

/** A citizen in App mode with a certified phone, at the push waiting page of a level 2 login. */
export interface Waiting {
  h: Holder;
  app: VirtualApp;
  login: OpenLogin;
  page: Page;
}

export const WAIT_HEADING = 'Controlla adesso il tuo cellulare';

export async function certifiedHolder(): Promise<{ h: Holder; app: VirtualApp }> {
  const h = await holder({ mode: 'app' });
  return { h, app: await VirtualApp.certify(h) };
}

export async function waitingForApp(clientName = 'Comune di Prova', citizen?: { h: Holder; app: VirtualApp }): Promise<Waiting> {
  const { h, app } = citizen ?? (await certifiedHolder());
  const login = await openLogin({ acr: 2, clientName });
  const page = await signIn(login, h.citizen.fiscalCode, h.password);
  expect(page.text).toContain(WAIT_HEADING);
  return { h, app, login, page };
}

export async function pending(w: Waiting): Promise<Approval> {
  return w.app.pendingFor(w.login.request.clientName);
}
