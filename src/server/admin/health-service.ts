/**
 * gRPC health checking (gRFC A17; https://github.com/grpc/grpc/blob/master/doc/health-checking.md):
 * `grpc.health.v1.Health` with Check (unary), Watch (server streaming: the current status,
 * then every change) and List, implemented by the maintained `grpc-health-check` package
 * and registered through the same path as every service, so its calls are observed.
 *
 * Statuses: SERVING for the server as a whole (service name "") and for each served
 * service while the server runs; NOT_SERVING for all of them once a graceful shutdown
 * starts, so a load balancer or orchestrator stops sending new work while calls drain.
 * Any other name: Check answers NOT_FOUND, Watch sends SERVICE_UNKNOWN (gRFC A17).
 */
import { HealthImplementation } from 'grpc-health-check';
import type { ServingStatusMap } from 'grpc-health-check';
import type { ServiceRegistration } from '../service-registration.ts';
import { captureServices } from './capture-services.ts';

/** `package.Service` of the health service. */
export const HEALTH_SERVICE = 'grpc.health.v1.Health';

/** The health service and its status switch. */
export interface HealthService {
  /** One registration: grpc.health.v1.Health (Check, Watch, List). */
  registration: ServiceRegistration;
  /**
   * Sets every status ("" and each service given at creation) to SERVING or NOT_SERVING;
   * open Watch calls get the new status at once (the package writes it to each watcher).
   */
  setServing(serving: boolean): void;
}

/**
 * Creates the health service, SERVING for "" and for each of `serviceNames`.
 * @param serviceNames full names (`package.Service`) of the services the server serves
 */
export function createHealthService(serviceNames: readonly string[]): HealthService {
  const names = ['', ...serviceNames];
  const initial: ServingStatusMap = Object.fromEntries(names.map((name) => [name, 'SERVING']));
  const health = new HealthImplementation(initial);
  const [registration] = captureServices((server) => health.addToServer(server));
  if (!registration) throw new Error('grpc-health-check added no service');
  return {
    registration,
    setServing(serving) {
      for (const name of names) health.setStatus(name, serving ? 'SERVING' : 'NOT_SERVING');
    },
  };
}
