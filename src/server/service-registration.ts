/**
 * A service to add to the server: its grpc-js definition and its handlers. Every method of
 * every registered service is observed the same way (src/rpc/server/observed-server-call.ts).
 */
import type { ServiceDefinition, UntypedServiceImplementation } from '@grpc/grpc-js';

/** One service: definition (from proto-loader or generated code) and handlers by method name. */
export interface ServiceRegistration {
  /** `package.Service`, for logs and errors. */
  name: string;
  definition: ServiceDefinition;
  handlers: UntypedServiceImplementation;
}
