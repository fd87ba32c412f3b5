/**
 * A flow's waiting pages (docs/login-pages.md): one hibernating WebSocket per open page, held by the
 * runtime, not in SQL, so the object may sleep while a citizen looks at the page. The FlowSession
 * decides when a socket may open and what to tell; this only keeps the sockets.
 */
export class WaitingPages {
  constructor(private readonly ctx: DurableObjectState) {}

  static isUpgrade(request: Request): boolean {
    return request.headers.get('Upgrade')?.toLowerCase() === 'websocket';
  }

  /** Only the Worker reaches the object, after checking the browser binding; it forwards the upgrade as is. */
  accept(): Response {
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    return new Response(null, { status: 101, webSocket: client });
  }

  announce(message: Record<string, unknown>): void {
    const text = JSON.stringify(message);
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.send(text);
      } catch {
        // A socket closing meanwhile needs nothing: its page polls or reloads.
      }
    }
  }

  /** The flow has ended: every page is told so by the close, and reloads to find it gone. */
  closeAll(): void {
    for (const ws of this.ctx.getWebSockets()) ws.close(1000, 'flow ended');
  }

  /** The page closed its socket: close ours back (1005 and 1006 are no codes one may send). */
  static closeBack(ws: WebSocket, code: number): void {
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, 'closed');
    } catch {
      // Already closed by the runtime (it may answer the close frame itself): nothing left to do.
    }
  }
}
