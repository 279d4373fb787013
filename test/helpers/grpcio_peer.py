#!/usr/bin/env python3
"""A gRPC client that is not grpc-js: Python grpcio (gRPC C-core), for test/rpc/foreign-peers.test.ts.

Usage: grpcio_peer.py TARGET /package.Service/Method

Opens one call of the method with grpcio's streaming-request API whatever the method's kind
(a C-core client, or any HTTP/2 peer, may send HEADERS and nothing else on any method), sends
no message, prints "open" once the call is started, then obeys stdin, one command a line:
  cancel   cancel the call (grpcio: RST_STREAM CANCEL), print "cancelled"
  exit     exit at once (os._exit), the kernel closes the socket
The test SIGKILLs the process instead to make a peer that dies holding the call open.
Everything it learns is printed as one line: "status CODE" when the call ends.
"""
import os
import sys
import threading

import grpc


def main() -> None:
    target, path = sys.argv[1], sys.argv[2]
    channel = grpc.insecure_channel(target)
    grpc.channel_ready_future(channel).result(timeout=10)
    release = threading.Event()

    def no_messages():
        # A request iterator that yields nothing and never ends: the call stays open,
        # its request side neither sending nor half-closed.
        release.wait()
        return
        yield b""  # pragma: no cover (makes this a generator)

    call = channel.stream_stream(path)(no_messages())
    call.add_done_callback(lambda done: print(f"status {done.code().name}", flush=True))
    print("open", flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command == "cancel":
            call.cancel()
            print("cancelled", flush=True)
        elif command == "exit":
            os._exit(0)
    os._exit(0)


if __name__ == "__main__":
    main()
