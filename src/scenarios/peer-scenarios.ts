/**
 * Scenarios where another peer misbehaves (issue 16): the server must contain it to that
 * peer's own connection. Data only; the attack itself is src/scenarios/peer-attack.ts.
 */
import type { Scenario } from './scenario.ts';
import { OK } from './grpc-codes.ts';

/** The peer scenarios, in report order. */
export const PEER_SCENARIOS: readonly Scenario[] = [
  {
    name: 'rapid-reset',
    summary: "after 1 event another client floods the server with streams it resets at once (CVE-2023-44487): GOAWAY ENHANCE_YOUR_CALM for it; this stream completes",
    rpc: 'server_stream',
    count: 5,
    client: { kind: 'read-all' },
    network: { kind: 'clean' },
    attack: { kind: 'rapid-reset', afterMessages: 1, expectGoaway: 'ENHANCE_YOUR_CALM' },
    expect: {
      client: 'completed', clientCode: OK, server: 'completed',
      why: "the server answers the flood's connection with GOAWAY after 500 premature resets; GOAWAY is per connection, so this stream, on its own, completes",
    },
  },
];
