/**
 * Servers the fleet did not start (`fleet --backends`, issue 18): other hosts or containers,
 * typically `serve --bus` sharing a NATS JetStream bus. The subscribers dial them through the
 * target as given; the control API lists them as `external`, and refuses to kill or stop them.
 */
import { FleetError } from './fleet-error.ts';
import { resolveBackends } from './backends-target.ts';
import type { BackendsTarget } from './backends-target.ts';

/** An external server as `GET /api/servers` lists it. */
export interface ExternalServerView {
  /** `ext-1`, `ext-2`, … in address order. */
  id: string;
  /** gRPC `host:port`. */
  address: string;
  pid: null;
  state: 'external';
  streams: null;
  metrics_port: null;
}

/** Creates the view of `target`'s servers (a DNS name is resolved again on every call). */
export function createExternalServers(target: BackendsTarget) {
  const list = async (): Promise<ExternalServerView[]> => (await resolveBackends(target)).map((address, index) => ({
    id: `ext-${index + 1}`, address, pid: null, state: 'external', streams: null, metrics_port: null,
  }));
  return {
    /** The channel target, as given to --backends. */
    target: target.target,
    /** The servers behind the target now. */
    list,
    /** True when `id` names one of them. */
    async has(id: string): Promise<boolean> {
      return (await list()).some((server) => server.id === id);
    },
    /** @throws FleetError conflict: this fleet did not start them */
    refuse(what: string): never {
      throw new FleetError('conflict', `${what}: this fleet runs against external servers (--backends ${target.target}), which it did not start and cannot start, kill or stop`);
    },
  };
}

/** The view built by {@link createExternalServers}. */
export type ExternalServers = ReturnType<typeof createExternalServers>;
