// MQTT.js (from npm) against mqttd. usage: node mqttjs_scenarios.js SCENARIO PORT [4|5]
// Prints OK and exits 0 on success; prints what went wrong and exits 1 otherwise. Every wait is bounded.
'use strict';
const mqtt = require('mqtt');

const [scenario, port, versionArg] = process.argv.slice(2);
const protocolVersion = Number(versionArg || 5);
const url = `mqtt://127.0.0.1:${port}`;

setTimeout(() => fail('scenario timed out'), 15000).unref();

function fail(msg) {
  console.log('FAIL: ' + msg);
  process.exit(1);
}

function connect(opts = {}) {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, { protocolVersion, reconnectPeriod: 0, connectTimeout: 5000, ...opts });
    c.once('connect', (connack) => resolve({ c, connack }));
    c.once('error', reject);
  });
}

function collect(client, n) {
  const got = [];
  return new Promise((resolve) => {
    client.on('message', (topic, payload, packet) => {
      got.push({ topic, payload: payload.toString(), qos: packet.qos, retain: packet.retain });
      if (got.length === n) resolve(got);
    });
  });
}

const scenarios = {
  async qos() {
    const { c: sub } = await connect();
    await sub.subscribeAsync('js/+/t', { qos: 2 });
    const received = collect(sub, 3);
    const { c: pub } = await connect();
    for (const q of [0, 1, 2]) await pub.publishAsync(`js/${q}/t`, `m${q}`, { qos: q });
    const got = (await received).map((m) => `${m.topic}=${m.payload}@${m.qos}`).sort();
    const want = ['js/0/t=m0@0', 'js/1/t=m1@1', 'js/2/t=m2@2'];
    if (JSON.stringify(got) !== JSON.stringify(want)) fail(`got ${got} want ${want}`);
    await pub.endAsync();
    await sub.endAsync();
  },
  async retained() {
    const { c: pub } = await connect();
    await pub.publishAsync('js/retained', 'kept', { qos: 1, retain: true });
    const { c: sub } = await connect();
    const received = collect(sub, 1);
    await sub.subscribeAsync('js/#', { qos: 1 });
    const [m] = await received;
    if (m.topic !== 'js/retained' || m.payload !== 'kept' || !m.retain) fail(`got ${JSON.stringify(m)}`);
    await pub.endAsync();
    await sub.endAsync();
  },
  async topic_alias() {
    if (protocolVersion !== 5) fail('topic aliases are MQTT 5.0');
    const { c: sub } = await connect();
    await sub.subscribeAsync('jsalias/#', { qos: 1 });
    const received = collect(sub, 2);
    const { c: pub, connack } = await connect();
    const max = connack.properties && connack.properties.topicAliasMaximum;
    if (!max) fail(`CONNACK announces no Topic Alias Maximum: ${JSON.stringify(connack.properties)}`);
    await pub.publishAsync('jsalias/some/long/topic', 'first', { qos: 1, properties: { topicAlias: 1 } });
    await pub.publishAsync('', 'second', { qos: 1, properties: { topicAlias: 1 } });
    const got = (await received).map((m) => `${m.topic}=${m.payload}`);
    const want = ['jsalias/some/long/topic=first', 'jsalias/some/long/topic=second'];
    if (JSON.stringify(got) !== JSON.stringify(want)) fail(`got ${got} want ${want}`);
    await pub.endAsync();
    await sub.endAsync();
  },
};

(async () => {
  if (!scenarios[scenario]) fail(`unknown scenario ${scenario}`);
  try {
    await scenarios[scenario]();
  } catch (e) {
    fail(e && e.stack ? e.stack : String(e));
  }
  console.log('OK');
  process.exit(0);
})();
