import type { PagesSurface } from '../platform/surface';
import { homePage } from './page';
import { PHONE_CHANGE_PATH, phoneChangePage } from './phone-change';
import { privacyPage } from '../legal/privacy';
import { accessibilityPage } from '../legal/accessibility';
import { legalNotesPage } from '../legal/legal-notes';
import { helpPage } from '../legal/help';

/**
 * The public site: home, help and legal pages. It owns `/`, so any path no other surface claims is
 * answered as a page (an Italian 404 for a mistyped address, never JSON).
 */
export const siteSurface: PagesSurface = {
  name: 'site',
  basePaths: ['/'],
  answers: 'pages',
  mount: (router) => {
    router
      .get('/', homePage)
      // Linked from activation step 2.1 and from the login's SMS page: how the Comune changes the number.
      .get(PHONE_CHANGE_PATH, phoneChangePage)
      .get('/privacy', privacyPage)
      .get('/accessibilita', accessibilityPage)
      .get('/note-legali', legalNotesPage)
      .get('/assistenza', helpPage);
  },
};
