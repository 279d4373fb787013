/**
 * Captures the services a package adds through its own `addToServer(server)`
 * (grpc-health-check's HealthImplementation, @grpc/reflection's ReflectionService), so they
 * are registered like streamlab's own: through create-server.ts, every method observed
 * (design §5). The stand-in server records `addService(definition, implementation)` and
 * serves nothing.
 */
import type { ServiceDefinition, UntypedServiceImplementation } from '@grpc/grpc-js';
import { splitMethodPath } from '../../core/method-info.ts';
import type { ServiceRegistration } from '../service-registration.ts';

/** The one method of grpc.Server that packages' `addToServer(server)` call. */
export interface AddServiceTarget {
  addService(definition: ServiceDefinition, implementation: UntypedServiceImplementation): void;
}

/**
 * Runs `addToServer` against a stand-in server and returns what it added, one
 * registration per service: `name` is `package.Service` (from the methods' paths),
 * `handlers` are keyed like the definition. Packages key their implementation by the
 * definition's key (`Check`) or by the method's `originalName` (`check`), as grpc-js's
 * own addService accepts both; a method with neither is left out, so registering the
 * result fails naming it.
 * @throws Error when a captured service has no methods
 */
export function captureServices(addToServer: (server: AddServiceTarget) => void): ServiceRegistration[] {
  const captured: ServiceRegistration[] = [];
  addToServer({
    addService(definition, implementation) {
      const handlers: UntypedServiceImplementation = {};
      for (const [key, method] of Object.entries(definition)) {
        const handler = implementation[key] ?? (method.originalName === undefined ? undefined : implementation[method.originalName]);
        if (handler) handlers[key] = handler;
      }
      const first = Object.values(definition)[0];
      if (!first) throw new Error('captureServices: a service with no methods was added');
      captured.push({ name: splitMethodPath(first.path).service, definition, handlers });
    },
  });
  return captured;
}
