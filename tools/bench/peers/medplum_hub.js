// A minimal Node.js hub built on @medplum/hl7, the comparison point for tools/bench/hub_bench:
// MLLP in, the same mapping as pathhub's pass-through (parse and re-encode), MLLP out over one
// downstream connection in arrival order, and the ACK upstream only after the downstream ACK.
// It keeps nothing on disk: a crash loses what is in flight, which pathhub's journal prevents.
//
//   node medplum_hub.js LISTEN_PORT SINK_HOST SINK_PORT
'use strict';
const { Hl7Server, Hl7Client } = require('@medplum/hl7');
const { Hl7Message } = require('@medplum/core');

const [listenPort, sinkHost, sinkPort] = process.argv.slice(2);
const downstream = new Hl7Client({ host: sinkHost, port: Number(sinkPort), keepAlive: true });
let lastDelivery = Promise.resolve();  // one message downstream at a time keeps the order

const server = new Hl7Server((connection) => {
  connection.addEventListener('message', (event) => {
    const received = event.message;
    const mapped = Hl7Message.parse(received.toString());
    const delivered = lastDelivery.then(() => downstream.sendAndWait(mapped));
    lastDelivery = delivered.catch(() => undefined);
    delivered.then(
      () => connection.send(received.buildAck()),
      (err) => connection.send(received.buildAck({ ackCode: 'AE', errorMessage: String(err) })),
    );
  });
});

server.start(Number(listenPort)).then(() => {
  process.stdout.write(`medplum hub listening on ${listenPort}\n`);
});
process.on('SIGTERM', () => {
  server.stop({ forceDrainTimeoutMs: 1000 }).finally(() => process.exit(0));
});
