// The login pages that wait for the App CieID (R-LOG-2 push, R-LOG-3 QR): move on by themselves when
// the flow's step changes, and count down the QR code's validity. Served from public/ because the
// pages' CSP allows scripts from this origin only.
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

  const countdown = document.getElementById('qr-countdown');
  const expireQr = () => {
    if (!countdown) return;
    countdown.textContent = 'scaduto';
    document.getElementById('qr')?.classList.add('opacity-25');
  };
  if (countdown) {
    let left = Number(countdown.dataset.expiresIn) || 0;
    const show = () => {
      countdown.textContent = `${Math.floor(left / 60)}'${String(left % 60).padStart(2, '0')}"`;
    };
    show();
    const timer = setInterval(() => {
      left -= 1;
      if (left > 0) return show();
      clearInterval(timer);
      expireQr();
    }, 1000);
  }

  const onMessage = (message) => {
    if (message.step && message.step !== step) moveOn();
    if (message.qr === 'expired') expireQr();
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
