/**
 * The admin services every streamlab server serves beside its own (design §5, issue 8):
 * health checking (gRFC A17), server reflection v1 and v1alpha, and channelz (gRFC A14).
 * They are registered like any service, so their calls are observed like every call; the
 * stream dashboards leave them out by `grpc_service=~"grpc\\..*"`.
 */
import type { ServiceRegistration } from '../service-registration.ts';
import { createChannelzService } from './channelz-service.ts';
import { createHealthService } from './health-service.ts';
import { createReflectionServices } from './reflection-service.ts';

/** The admin services of one server. */
export interface AdminServices {
  /**
   * grpc.health.v1.Health, grpc.channelz.v1.Channelz, grpc.reflection.v1.ServerReflection
   * and grpc.reflection.v1alpha.ServerReflection, to register beside the served services.
   */
  registrations: ServiceRegistration[];
  /** Health status SERVING (true) or NOT_SERVING (false) for "" and every served service. */
  setServing(serving: boolean): void;
}

/** Options of {@link createAdminServices}. */
export interface AdminServicesOptions {
  /**
   * Encoded FileDescriptorProtos, loaded with their own field names, that reflection
   * prefers over the definitions' (see reflection-service.ts). Default none.
   */
  fileDescriptors?: readonly Uint8Array[];
}

/**
 * Creates the admin services for a server that serves `served`.
 * @param served the server's own services; health reports each of them, reflection
 *   describes them (and the admin services)
 */
export function createAdminServices(served: readonly ServiceRegistration[], options: AdminServicesOptions = {}): AdminServices {
  const health = createHealthService(served.map((service) => service.name));
  const channelz = createChannelzService();
  const reflection = createReflectionServices([...served, health.registration, channelz], options.fileDescriptors);
  return { registrations: [health.registration, channelz, ...reflection], setServing: health.setServing };
}
