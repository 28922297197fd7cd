#!/usr/bin/python3
"""Eclipse Paho Python (Debian's python3-paho-mqtt 1.6) against mqttd.

usage: paho_scenarios.py SCENARIO PORT [v311|v5]
Prints OK and exits 0 on success; prints what went wrong and exits 1 otherwise. Every wait is bounded.
"""
import sys
import threading
import time
import uuid

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

HOST = "127.0.0.1"
TIMEOUT = 10.0


def fail(msg):
    print("FAIL:", msg, flush=True)
    sys.exit(1)


def wait(cond, what, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            fail("timed out waiting for " + what)
        time.sleep(0.01)


class Client:
    """A paho client on its own network thread, recording what happens to it."""

    def __init__(self, port, version, client_id=None, clean=True, session_expiry=None, will=None):
        self.version = version
        proto = mqtt.MQTTv5 if version == "v5" else mqtt.MQTTv311
        cid = client_id or ("paho-" + uuid.uuid4().hex[:8])
        if version == "v5":
            self.c = mqtt.Client(client_id=cid, protocol=proto)
        else:
            self.c = mqtt.Client(client_id=cid, clean_session=clean, protocol=proto)
        self.messages = []
        self.connack = None
        self.session_present = None
        self.disconnect_rc = None
        self.subacks = 0
        self.lock = threading.Lock()
        self.c.on_connect = self._on_connect
        self.c.on_message = self._on_message
        self.c.on_disconnect = self._on_disconnect
        self.c.on_subscribe = self._on_subscribe
        if will:
            self.c.will_set(*will)
        kwargs = {}
        if version == "v5":
            props = Properties(PacketTypes.CONNECT)
            if session_expiry is not None:
                props.SessionExpiryInterval = session_expiry
            kwargs = {"clean_start": clean, "properties": props}
        self.c.connect(HOST, port, keepalive=30, **kwargs)
        self.c.loop_start()
        wait(lambda: self.connack is not None or self.disconnect_rc is not None, "CONNACK for " + cid)
        if self.connack != 0:
            fail("connect refused for %s: %s" % (cid, self.connack))

    def _on_connect(self, client, userdata, flags, rc, properties=None):
        self.session_present = flags.get("session present")
        self.connack = rc if isinstance(rc, int) else rc.value

    def _on_message(self, client, userdata, msg):
        with self.lock:
            self.messages.append((msg.topic, msg.payload, msg.qos, msg.retain))

    def _on_disconnect(self, client, userdata, rc, properties=None):
        if self.disconnect_rc is None:  # the DISCONNECT's reason, not the connection loss that follows it
            self.disconnect_rc = rc if isinstance(rc, int) else rc.value

    def _on_subscribe(self, client, userdata, mid, granted, properties=None):
        self.subacks += 1

    def subscribe(self, topic, qos):
        before = self.subacks
        self.c.subscribe(topic, qos)
        wait(lambda: self.subacks > before, "SUBACK for " + topic)

    def publish(self, topic, payload, qos=0, retain=False, properties=None):
        info = self.c.publish(topic, payload, qos=qos, retain=retain, properties=properties)
        info.wait_for_publish(TIMEOUT)
        if not info.is_published():
            fail("publish to %r not acknowledged" % topic)

    def stop(self, disconnect=True):
        if disconnect:
            self.c.disconnect()
        self.c.loop_stop()


def qos(port, version):
    sub = Client(port, version)
    sub.subscribe("paho/+/q", 2)
    pub = Client(port, version)
    for q in (0, 1, 2):
        pub.publish("paho/%d/q" % q, b"m%d" % q, qos=q)
    wait(lambda: len(sub.messages) == 3, "3 messages")
    got = sorted((t, p, q) for t, p, q, _ in sub.messages)
    want = [("paho/%d/q" % q, b"m%d" % q, q) for q in (0, 1, 2)]
    if got != want:
        fail("got %r want %r" % (got, want))
    pub.stop()
    sub.stop()


def retained(port, version):
    pub = Client(port, version)
    pub.publish("paho/retained", b"kept", qos=1, retain=True)
    sub = Client(port, version)
    sub.subscribe("paho/#", 1)
    wait(lambda: len(sub.messages) == 1, "the retained message")
    t, p, q, r = sub.messages[0]
    if (t, p, r) != ("paho/retained", b"kept", True):
        fail("retained: got %r" % (sub.messages[0],))
    pub.stop()
    sub.stop()


def persistent(port, version):
    cid = "paho-persist-" + version
    sub = Client(port, version, client_id=cid, clean=False, session_expiry=300)
    sub.subscribe("paho/persist", 1)
    sub.stop()
    time.sleep(0.2)
    pub = Client(port, version)
    pub.publish("paho/persist", b"queued", qos=1)
    back = Client(port, version, client_id=cid, clean=False, session_expiry=300)
    if not back.session_present:
        fail("session not resumed (session present = %r)" % back.session_present)
    wait(lambda: len(back.messages) == 1, "the queued message")
    if back.messages[0][1] != b"queued":
        fail("got %r" % (back.messages[0],))
    back.stop()
    pub.stop()


def takeover(port, version):
    first = Client(port, version, client_id="paho-takeover")
    second = Client(port, version, client_id="paho-takeover")
    wait(lambda: first.disconnect_rc is not None, "the first connection to be taken over")
    # paho 1.6 reads a DISCONNECT reason code only when the remaining length is above 2, so a bare
    # DISCONNECT 0x8E (remaining length 1) reaches on_disconnect as a connection loss: the C++ side checks the
    # reason in the broker's log instead.
    print("first client's disconnect rc", first.disconnect_rc)
    # The second one works.
    second.subscribe("paho/takeover", 0)
    second.publish("paho/takeover", b"mine", qos=1)
    wait(lambda: len(second.messages) == 1, "own message on the new connection")
    first.stop(disconnect=False)
    second.stop()


def shared(port, version):
    if version != "v5":
        fail("shared subscriptions are MQTT 5.0")
    a = Client(port, version)
    b = Client(port, version)
    a.subscribe("$share/workers/jobs/#", 1)
    b.subscribe("$share/workers/jobs/#", 1)
    plain = Client(port, version)
    plain.subscribe("jobs/#", 1)
    pub = Client(port, version)
    n = 20
    for i in range(n):
        pub.publish("jobs/%d" % i, b"job %d" % i, qos=1)
    wait(lambda: len(a.messages) + len(b.messages) >= n and len(plain.messages) >= n, "%d jobs" % n)
    time.sleep(0.3)  # duplicates would show up now
    got = sorted(p for _, p, _, _ in a.messages + b.messages)
    if got != sorted(b"job %d" % i for i in range(n)):
        fail("shared group got %d messages (a=%d b=%d), want each of %d once" %
             (len(got), len(a.messages), len(b.messages), n))
    if len(plain.messages) != n:
        fail("non-shared subscriber got %d, want %d" % (len(plain.messages), n))
    print("distribution a=%d b=%d" % (len(a.messages), len(b.messages)))
    for c in (a, b, plain, pub):
        c.stop()


def topic_alias(port, version):
    if version != "v5":
        fail("topic aliases are MQTT 5.0")
    sub = Client(port, version)
    sub.subscribe("alias/#", 1)
    pub = Client(port, version)
    props = Properties(PacketTypes.PUBLISH)
    props.TopicAlias = 1
    pub.publish("alias/long/topic/name", b"first", qos=1, properties=props)
    pub.publish("", b"second", qos=1, properties=props)  # the alias alone names the topic
    wait(lambda: len(sub.messages) == 2, "2 messages")
    got = [(t, p) for t, p, _, _ in sub.messages]
    if got != [("alias/long/topic/name", b"first"), ("alias/long/topic/name", b"second")]:
        fail("got %r" % got)
    pub.stop()
    sub.stop()


def will(port, version):
    watcher = Client(port, version)
    watcher.subscribe("paho/will", 1)
    doomed = Client(port, version, will=("paho/will", b"lost", 1, False))
    doomed.c.socket().close()  # the network goes away: no DISCONNECT
    doomed.c.loop_stop()
    wait(lambda: len(watcher.messages) == 1, "the will message")
    if watcher.messages[0][1] != b"lost":
        fail("got %r" % (watcher.messages[0],))
    watcher.stop()


SCENARIOS = {f.__name__: f for f in (qos, retained, persistent, takeover, shared, topic_alias, will)}

if __name__ == "__main__":
    name, port = sys.argv[1], int(sys.argv[2])
    version = sys.argv[3] if len(sys.argv) > 3 else "v5"
    SCENARIOS[name](port, version)
    print("OK", flush=True)
