import type { WorkerRouter } from '../../platform/surface';
import { confirmEmail, showEmail, showEmailCode, startEmail } from './email';
import { AREA_PATHS } from './layout';
import { callback, home, login, logout } from './login';
import { MODE_FLOW_PATH, confirmMode, showMode, showModeCode, startMode } from './mode';
import { changePassword, showPassword } from './password';
import { showFaq, showProfile } from './profile';

/**
 * The personal area's entry and "Gestione CieID" (docs/account.md): the landing page, the CieID
 * login and its callback, "Esci", and the profile's pages. Every route but the first three needs a
 * session (session.ts).
 */
export function mountProfile(router: WorkerRouter): void {
  router
    .get(AREA_PATHS.home, home)
    .get(AREA_PATHS.login, login(router))
    .get(AREA_PATHS.callback, callback(router))
    .post(AREA_PATHS.logout, logout)
    .get(AREA_PATHS.profile, showProfile)
    .get(AREA_PATHS.password, showPassword)
    .post(AREA_PATHS.password, changePassword)
    .get(AREA_PATHS.mode, showMode)
    .post(AREA_PATHS.mode, startMode)
    .get(MODE_FLOW_PATH, showModeCode)
    .post(MODE_FLOW_PATH, confirmMode)
    .get(AREA_PATHS.email, showEmail)
    .post(AREA_PATHS.email, startEmail)
    .get(`${AREA_PATHS.email}/:flowId`, showEmailCode)
    .post(`${AREA_PATHS.email}/:flowId`, confirmEmail)
    .get(AREA_PATHS.faq, showFaq);
}
