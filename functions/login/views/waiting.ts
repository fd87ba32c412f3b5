import { type SafeHtml, html } from '../../platform/html';

/**
 * The pages that wait for the App (push, QR) move on by themselves: /login-wait.js (external, for
 * the CSP) listens on the flow's WebSocket, falls back to polling /stato, and reloads the page when
 * the step changes. Without JavaScript the citizen reloads by hand; nothing else depends on it.
 */
export function waitingScript(flowId: string, step: string): SafeHtml {
  return html`<div id="attesa" data-flow="${flowId}" data-step="${step}" hidden></div>
<script src="/login-wait.js" defer></script>`;
}
