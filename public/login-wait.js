// The login pages that wait for the App CieID (R-LOG-2 push, R-LOG-3 QR): move on by themselves when
// the flow's step changes, count down the QR code's validity, and renew it in place ("Genera un nuovo
// codice"). Served from public/ because the pages' CSP allows scripts from this origin only.
(() => {
  const anchor = document.getElementById('attesa');
  if (!anchor) return;
  const base = `/login/${encodeURIComponent(anchor.dataset.flow)}`;
  const step = anchor.dataset.step;
  let moved = false;
  let polling = null;

  const moveOn = () => {
    if (moved) return;
    moved = true;
    window.location.assign(base);
  };

  // The same texts as functions/core/countdown.ts (this file cannot import it): keep them identical.
  const EXPIRED = 'scaduto';
  const WARN_AT_SECONDS = 30;
  const ANNOUNCEMENTS = {
    warning: `Il codice scade tra ${WARN_AT_SECONDS} secondi`,
    expired: 'Codice scaduto: genera un nuovo codice',
    renewed: 'Nuovo codice generato',
  };
  const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;
  const countdownVisual = (seconds) => {
    const s = Math.max(0, Math.floor(seconds));
    if (s === 0) return EXPIRED;
    return `${Math.floor(s / 60)}'${String(s % 60).padStart(2, '0')}"`;
  };
  const countdownSpoken = (seconds) => {
    const s = Math.max(0, Math.floor(seconds));
    if (s === 0) return EXPIRED;
    const minutes = Math.floor(s / 60);
    const rest = plural(s % 60, 'secondo', 'secondi');
    return minutes > 0 ? `${plural(minutes, 'minuto', 'minuti')} e ${rest}` : rest;
  };

  const qr = document.getElementById('qr');
  const countdown = document.getElementById('qr-countdown');
  const visual = countdown?.querySelector('[data-countdown="visual"]');
  const spoken = countdown?.querySelector('[data-countdown="spoken"]');
  const live = document.getElementById('qr-annuncio');
  // A live region speaks when its text changes: the same words twice (a second renewal) get a
  // non-breaking space, so that they are read again.
  const announce = (text) => {
    if (live) live.textContent = live.textContent === text ? `${text}\u00a0` : text;
  };

  // A deadline, not a tick count: timers in a background tab run late, the code's life does not.
  let deadline = 0;
  let timer = null;
  let warned = false;
  const secondsLeft = () => Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
  const show = (left) => {
    if (visual) visual.textContent = countdownVisual(left);
    if (spoken) spoken.textContent = countdownSpoken(left);
  };
  const expireQr = () => {
    if (!countdown || deadline === 0) return;
    clearInterval(timer);
    deadline = 0;
    show(0);
    qr?.classList.add('opacity-25');
    announce(ANNOUNCEMENTS.expired);
  };
  const tick = () => {
    const left = secondsLeft();
    if (left === 0) return expireQr();
    show(left);
    if (!warned && left <= WARN_AT_SECONDS) {
      warned = true;
      announce(ANNOUNCEMENTS.warning);
    }
  };
  const startCountdown = (seconds) => {
    if (!countdown) return;
    clearInterval(timer);
    deadline = Date.now() + seconds * 1000;
    warned = false;
    qr?.classList.remove('opacity-25');
    show(seconds);
    timer = setInterval(tick, 1000);
  };
  if (countdown) startCountdown(Number(countdown.dataset.expiresIn) || 0);

  // "Genera un nuovo codice" without a reload: the same form, asking for JSON. Anything but a new
  // code or "this login has moved on" (410) falls back to the plain form post.
  const renewForm = document.getElementById('qr-nuovo');
  let renewing = false;
  renewForm?.addEventListener('submit', async (event) => {
    if (!qr || !countdown) return;
    event.preventDefault();
    if (renewing) return;
    renewing = true;
    try {
      const res = await fetch(renewForm.action, {
        method: 'POST',
        headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(new FormData(renewForm)),
        credentials: 'same-origin',
        cache: 'no-store',
      });
      if (res.status === 410) return moveOn();
      if (!res.ok) throw new Error(String(res.status));
      const fresh = await res.json();
      qr.innerHTML = fresh.svg;
      qr.dataset.qrContent = fresh.content;
      startCountdown(fresh.seconds);
      announce(ANNOUNCEMENTS.renewed);
    } catch {
      renewForm.submit();
    } finally {
      renewing = false;
    }
  });

  const onMessage = (message) => {
    if (message.step && message.step !== step) moveOn();
    // A renewal can cross the alarm's notice about the code before it: only a code at its end dies.
    if (message.qr === 'expired' && secondsLeft() <= 10) expireQr();
  };

  const poll = () => {
    if (polling || moved) return;
    polling = setInterval(async () => {
      try {
        const res = await fetch(`${base}/stato`, { cache: 'no-store', credentials: 'same-origin' });
        if (res.ok) onMessage(await res.json());
        else if (res.status === 410) moveOn();
      } catch {
        // The next tick tries again.
      }
    }, 2000);
  };

  try {
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${window.location.host}${base}/attesa`);
    socket.addEventListener('open', () => socket.send('stato'));
    socket.addEventListener('message', (event) => {
      try {
        onMessage(JSON.parse(event.data));
      } catch {
        // Not ours: ignore.
      }
    });
    socket.addEventListener('close', poll);
    socket.addEventListener('error', poll);
  } catch {
    poll();
  }
})();
