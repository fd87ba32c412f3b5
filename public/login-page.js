// The login pages answer a form's post with the page of the step it moved the flow to
// (functions/login/steps/show.ts nextPage), so the address bar shows the form's action. This puts the
// flow's own address there instead: a reload, a restored tab or Back is then a GET of the current
// step, never the form posted again. Without JavaScript a reload re-posts, which the server sends to
// the current page (and GET of a form's action is sent there too).
(() => {
  const match = /^\/login\/([^/]+)\/.+$/.exec(window.location.pathname);
  if (match) window.history.replaceState(window.history.state, '', `/login/${match[1]}`);
})();
