/**
 * Insecure channel credentials that let the client watch its own TCP sockets.
 *
 * grpc-js hands every socket it connects to the channel credentials' connector before
 * HTTP/2 starts on it (`ChannelCredentials._createSecureConnector`, grpc-js ≥ 1.10,
 * src/channel-credentials.ts). Watching that socket is the only way a client can tell a
 * FIN from its own keepalive timeout: both reach the call as UNAVAILABLE
 * "Connection dropped" (design §1).
 */
import { ChannelCredentials, credentials } from '@grpc/grpc-js';
import type { CallCredentials, ChannelOptions } from '@grpc/grpc-js';
import type { Socket } from 'node:net';

type GrpcUri = Parameters<ChannelCredentials['_createSecureConnector']>[0];
type SecureConnector = ReturnType<ChannelCredentials['_createSecureConnector']>;

/** Called with every socket the channel connects, before HTTP/2 starts on it. */
export type SocketListener = (socket: Socket) => void;

class WatchedInsecureCredentials extends ChannelCredentials {
  readonly #insecure = credentials.createInsecure();
  readonly #onSocket: SocketListener;

  constructor(onSocket: SocketListener) {
    super();
    this.#onSocket = onSocket;
  }

  override _isSecure(): boolean {
    return false;
  }

  override _equals(other: ChannelCredentials): boolean {
    return other === this;
  }

  override _createSecureConnector(target: GrpcUri, options: ChannelOptions, callCredentials?: CallCredentials): SecureConnector {
    const inner = this.#insecure._createSecureConnector(target, options, callCredentials);
    const onSocket = this.#onSocket;
    return {
      connect(socket: Socket) {
        onSocket(socket);
        return inner.connect(socket);
      },
      waitForReady: () => inner.waitForReady(),
      getCallCredentials: () => inner.getCallCredentials(),
      destroy: () => inner.destroy(),
    };
  }
}

/** Insecure credentials that call `onSocket` with each socket the channel connects. */
export function createWatchedCredentials(onSocket: SocketListener): ChannelCredentials {
  return new WatchedInsecureCredentials(onSocket);
}
