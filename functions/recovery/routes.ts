import type { PagesSurface } from '../platform/surface';
import { passwordRecoveryPage } from '../home/password-recovery';

/** Password recovery (R-ACC-2) and PUK recovery (R-PUK-2) on the web: no session, only the citizen's card and contacts. */
export const recoverySurface: PagesSurface = {
  name: 'recovery',
  basePaths: ['/recupero-password', '/recupero-puk'],
  answers: 'pages',
  mount: (router) => {
    router.get('/recupero-password', passwordRecoveryPage);
  },
};
