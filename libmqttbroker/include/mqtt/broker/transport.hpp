#pragma once
// What the engine asks of the network side. Implemented by mqttd's server and by tests' recording transport.
#include <cstddef>
#include <span>

#include <mqtt/broker/clock.hpp>
#include <mqtt/codec/types.hpp>

namespace mqtt::broker {

enum class delivery : unsigned char {
    required,   // must reach the client (or the connection must be closed)
    droppable,  // a QoS 0 PUBLISH: the transport may drop it when the connection's output queue is full
};

class transport {
public:
    // Bytes of exactly one encoded packet for `id`, already in the connection's protocol version and within the
    // client's Maximum Packet Size. Valid only during the call: copy them.
    virtual void send(connection_id id, std::span<const std::byte> packet, delivery how) = 0;
    // Flush what was sent before, then close. The engine forgets `id` when it calls this; the transport must not
    // report on_disconnect() for it afterwards (the engine would ignore it anyway).
    virtual void close(connection_id id, codec::reason_code why) = 0;

protected:
    ~transport() = default;
};

}  // namespace mqtt::broker
