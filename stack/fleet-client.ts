/**
 * The stack test's client of the fleet's control API (src/fleet-api/fleet-api.ts): the calls a
 * user makes with curl against `docker compose --profile fleet up`, and a summary of the
 * subscribers to assert on.
 */

/** A server as GET /api/servers lists it. */
export interface FleetServer { id: string; address: string; pid: number; state: string; streams: number | null; metrics_port: number }

/** An external server as GET /api/servers lists it (`fleet --backends`). */
export interface ExternalServer { id: string; address: string; pid: null; state: 'external'; streams: null; metrics_port: null }

/** A subscriber as GET /api/clients lists it. */
export interface FleetClient {
  id: string; topic: string; state: string; backend: string | null; received: number;
  reconnects: number; gaps: number; duplicates: number; last_event_id: number; last_end_cause: string | null;
}

/** One http_sd target group of GET /api/prometheus-targets. */
export interface TargetGroup { targets: string[]; labels: Record<string, string> }

/** The subscribers at a glance. */
export interface ClientsSummary {
  total: number;
  streaming: number;
  /** Streaming subscribers per backend `host:port`. */
  perBackend: Map<string, number>;
  reconnects: number;
  gaps: number;
  duplicates: number;
}

/** Summarises GET /api/clients. */
export function summarise(clients: readonly FleetClient[]): ClientsSummary {
  const perBackend = new Map<string, number>();
  for (const client of clients) {
    if (client.state === 'streaming' && client.backend) perBackend.set(client.backend, (perBackend.get(client.backend) ?? 0) + 1);
  }
  const sum = (field: 'reconnects' | 'gaps' | 'duplicates') => clients.reduce((total, client) => total + client[field], 0);
  return {
    total: clients.length, streaming: clients.filter((client) => client.state === 'streaming').length,
    perBackend, reconnects: sum('reconnects'), gaps: sum('gaps'), duplicates: sum('duplicates'),
  };
}

/** The fleet's control API at `baseUrl` (e.g. http://127.0.0.1:17080). Every call throws on a non-2xx answer, with its body. */
export function fleetClient(baseUrl: string) {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  }
  return {
    servers: () => call<FleetServer[]>('GET', '/api/servers'),
    /** GET /api/servers of a fleet run with --backends. */
    externalServers: () => call<ExternalServer[]>('GET', '/api/servers'),
    clients: () => call<FleetClient[]>('GET', '/api/clients'),
    /** DELETE /api/servers/:id?mode=kill: SIGKILLs it, answers once it exited. */
    killServer: (id: string) => call<FleetServer>('DELETE', `/api/servers/${encodeURIComponent(id)}?mode=kill`),
    /** DELETE /api/clients/:id: cancels its stream, no re-subscribe. */
    stopClient: (id: string) => call<FleetClient[]>('DELETE', `/api/clients/${encodeURIComponent(id)}`),
    notify: (topic: string, text: string) => call<{ delivered: number }>('POST', '/api/notify', { topic, text }),
    prometheusTargets: () => call<TargetGroup[]>('GET', '/api/prometheus-targets'),
  };
}
