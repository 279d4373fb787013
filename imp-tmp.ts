import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
const nc = await connect({ servers: ['127.0.0.1:14444'] });
const jsm = await jetstreamManager(nc);
for await (const si of jsm.streams.list()) {
  console.log(si.config.name, JSON.stringify(si.state).slice(0, 200));
  for await (const ci of jsm.consumers.list(si.config.name)) console.log('  consumer', ci.name, 'delivered', JSON.stringify(ci.delivered), 'pending', ci.num_pending, 'waiting', ci.num_waiting);
}
await nc.close();
