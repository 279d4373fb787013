/**
 * A real DNS server (UDP, the dns2 library) answering A queries for a headless Service the
 * way the cluster DNS does: one A record per ready pod, changed as pods come and go. It keeps
 * a log of the queries it answered, so a lab can show when a gRPC channel asked again.
 * grpc-js queries it with a `dns://127.0.0.1:PORT/NAME:GRPCPORT` target, which grpc-js only
 * honours with GRPC_NODE_USE_ALTERNATIVE_RESOLVER=true (its c-ares resolver; the default
 * dns.lookup path ignores the authority and asks the system's resolver).
 */
import dns2 from 'dns2';
import { nowMs } from '../core/clock.ts';

const { Packet } = dns2;

/** One query the server answered. */
export interface DnsQuery {
  /** Epoch ms. */
  atMs: number;
  name: string;
  /** `A`, `AAAA`, `TXT`, … */
  type: string;
  /** The A records it answered with (empty for other types and unknown names). */
  answered: string[];
}

/** Options of {@link createDnsServer}. */
export interface DnsServerOptions {
  /** TTL of the A records, seconds. Default 5 (CoreDNS's default for the cluster zone). */
  ttlS?: number;
}

/** Builds the server; `listen()` starts it. */
export function createDnsServer(options: DnsServerOptions = {}) {
  const records = new Map<string, string[]>();
  const queries: DnsQuery[] = [];
  const typeName = (code: number) => Object.entries(Packet.TYPE).find(([, value]) => value === code)?.[0] ?? String(code);
  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      const [question] = request.questions;
      if (!question) return void send(response);
      const name = question.name.toLowerCase().replace(/\.$/, '');
      const addresses = records.get(name);
      const answered = question.type === Packet.TYPE.A ? addresses ?? [] : [];
      queries.push({ atMs: nowMs(), name, type: typeName(question.type), answered: [...answered] });
      // An unknown name is NXDOMAIN; a known one answers its A records and no other type.
      if (!addresses) response.header.rcode = Packet.RCODE.NXDOMAIN;
      for (const address of answered) response.answers.push(Packet.createResourceFromQuestion(question, { ttl: options.ttlS ?? 5, address }));
      void send(response);
    },
  });
  server.on('requestError', () => {});
  return {
    /**
     * Starts listening on UDP 127.0.0.1.
     * @returns the bound port (a free one when `port` is 0)
     */
    async listen(port = 0): Promise<number> {
      const addresses = await server.listen({ udp: { port, address: '127.0.0.1' } });
      return (addresses.udp as { port: number }).port;
    },
    /** Sets the A records of `name` (a fully qualified name without the trailing dot). */
    set(name: string, addresses: readonly string[]): void {
      records.set(name.toLowerCase(), [...addresses]);
    },
    /** The queries answered so far, oldest first. */
    queries: (): readonly DnsQuery[] => queries,
    /** Stops listening. Never rejects. */
    close: (): Promise<void> => server.close().catch(() => {}),
  };
}

/** A server built by {@link createDnsServer}. */
export type DnsServer = ReturnType<typeof createDnsServer>;
