/**
 * The page and its dedicated workers over the browser's own DevTools socket (Playwright's CDP sessions reach pages
 * only): CPU profiles of each, and each isolate's JS heap. Launch Chromium with `--remote-debugging-port=<port>`;
 * needs Node's WebSocket (Node 20: NODE_OPTIONS=--experimental-websocket).
 */

export interface TargetSession {
  sessionId: string;
  /** 'page', or the worker's name/URL tail. */
  name: string;
}

export interface DevTools {
  targets: TargetSession[];
  /** Raw CDP call on one target (or the browser without a session). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- raw CDP replies
  send(method: string, params?: object, sessionId?: string): Promise<any>;
  close(): void;
}

/** Attaches to the page and every worker but ORT's pthreads (they sit in Atomics.wait and never answer). */
export async function attachAll(debugPort: number): Promise<DevTools> {
  const { webSocketDebuggerUrl } = (await (await fetch(`http://127.0.0.1:${debugPort}/json/version`)).json()) as { webSocketDebuggerUrl: string };
  const ws = new WebSocket(webSocketDebuggerUrl);
  await new Promise((resolve, reject) => ((ws.onopen = resolve), (ws.onerror = reject)));
  let next = 1;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- raw CDP replies
  const pending = new Map<number, (result: any) => void>();
  ws.onmessage = (event) => {
    const message = JSON.parse(String(event.data));
    if (message.id && pending.has(message.id)) {
      pending.get(message.id)!(message.result ?? message.error);
      pending.delete(message.id);
    }
  };
  const send = (method: string, params: object = {}, sessionId?: string) =>
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- raw CDP replies
    new Promise<any>((resolve) => {
      const id = next++;
      pending.set(id, resolve);
      ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    });
  const targets: TargetSession[] = [];
  const { targetInfos } = await send('Target.getTargets');
  for (const t of targetInfos as { targetId: string; type: string; title: string; url: string }[]) {
    if (t.type !== 'page' && t.type !== 'worker') continue;
    if (t.url.includes('em-pthread') || t.title.includes('em-pthread')) continue;
    const { sessionId } = await send('Target.attachToTarget', { targetId: t.targetId, flatten: true });
    const name = t.type === 'page' ? 'page' : (t.title || t.url).replace(/[^a-z0-9-]+/gi, '_').slice(-40);
    targets.push({ sessionId, name });
  }
  return { targets, send, close: () => ws.close() };
}

/** Starts a sampling CPU profile on every target; `stop()` returns [name, profile] pairs. */
export async function profileAll(devtools: DevTools, intervalUs = 200): Promise<{ stop(): Promise<[string, unknown][]> }> {
  for (const { sessionId } of devtools.targets) {
    await devtools.send('Profiler.enable', {}, sessionId);
    await devtools.send('Profiler.setSamplingInterval', { interval: intervalUs }, sessionId);
    await devtools.send('Profiler.start', {}, sessionId);
  }
  return {
    async stop() {
      const out: [string, unknown][] = [];
      for (const { sessionId, name } of devtools.targets) out.push([name, (await devtools.send('Profiler.stop', {}, sessionId)).profile]);
      return out;
    },
  };
}

/**
 * Each target's JS heap in MB (used / total) before and after a forced GC in it, one target at a time; `afterEach`
 * (e.g. the renderer's RSS) is recorded after each target's GC, so what each isolate's garbage held is seen. A
 * target that does not answer in 5 s is left out.
 */
export async function heapsAfterGc(
  devtools: DevTools,
  afterEach: () => number = () => 0,
): Promise<Record<string, { beforeMB: number; usedMB: number; totalMB: number; thenRendererMB: number }>> {
  const out: Record<string, { beforeMB: number; usedMB: number; totalMB: number; thenRendererMB: number }> = {};
  // The library worker first: its garbage is what an import leaves.
  const order = [...devtools.targets].sort((a, b) => Number(b.name.includes('ary')) - Number(a.name.includes('ary')));
  for (const { sessionId, name } of order) {
    const before = await Promise.race([devtools.send('Runtime.getHeapUsage', {}, sessionId), new Promise<null>((resolve) => setTimeout(() => resolve(null), 5000))]);
    const asked = (async () => {
      await devtools.send('HeapProfiler.enable', {}, sessionId);
      await devtools.send('HeapProfiler.collectGarbage', {}, sessionId);
      return devtools.send('Runtime.getHeapUsage', {}, sessionId);
    })();
    const usage = await Promise.race([asked, new Promise<null>((resolve) => setTimeout(() => resolve(null), 5000))]);
    if (usage && typeof usage.usedSize === 'number') {
      out[name] = { beforeMB: mb(before?.totalSize ?? 0), usedMB: mb(usage.usedSize), totalMB: mb(usage.totalSize), thenRendererMB: afterEach() };
    }
  }
  return out;
}

/** Self time per function (ms) of a CPU profile, largest first. */
export function selfTimes(profile: unknown, top = 25): [string, number][] {
  const p = profile as {
    nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  p.samples.forEach((id, i) => {
    const frame = byId.get(id)!.callFrame;
    const key = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').pop()}:${frame.lineNumber}`;
    totals.set(key, (totals.get(key) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  });
  return [...totals].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => [k, Math.round(v)]);
}

function mb(bytes: number): number {
  return Math.round((bytes / 2 ** 20) * 10) / 10;
}
