/**
 * channelz (gRFC A14; https://github.com/grpc/proposal/blob/master/A14-channelz.md):
 * `grpc.channelz.v1.Channelz`, the runtime view of the process's channels, subchannels,
 * servers and sockets, as grpc-js builds it in (`getChannelzServiceDefinition`,
 * `getChannelzHandlers`). Its data is per process: GetServers lists every grpc-js server
 * and GetTopChannels every client channel of this process, not only this server's.
 *
 * What it shows of streamlab's server (grpc-js 1.14, server.js): streamlab never binds a
 * port through grpc-js; `createConnectionInjector` registers one listen socket named
 * "injector" with no address, and GetServer's `listen_socket` shows that. Every injected
 * connection is an http2 session of the injector's http2 server, and grpc-js registers
 * each session as a channelz socket in its session handler like any bound port's, so
 * GetServerSockets lists the connected clients (remote and local address, streams
 * started/succeeded/failed, messages, keepalives) while they are connected.
 */
import { getChannelzHandlers, getChannelzServiceDefinition } from '@grpc/grpc-js';
import type { ServiceRegistration } from '../service-registration.ts';

/** `package.Service` of channelz. */
export const CHANNELZ_SERVICE = 'grpc.channelz.v1.Channelz';

/** The channelz service of grpc-js as a registration (methods GetTopChannels … GetSocket). */
export function createChannelzService(): ServiceRegistration {
  return { name: CHANNELZ_SERVICE, definition: getChannelzServiceDefinition(), handlers: getChannelzHandlers() };
}
