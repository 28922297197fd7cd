#pragma once
// Golden byte vectors for every control packet of MQTT 3.1.1 and 5.0, written as async_mqtt does: byte-exact hex,
// one field per line, a comment on each. All are canonical (the encoder's shortest form), so each test asserts the
// decoded fields and encode(decode(x)) == x. The family tests assert the fields; streaming, prefix, mutation and
// allocation tests iterate `all_golden_vectors`.
#include <array>
#include <string_view>

#include <mqtt/codec/types.hpp>

namespace mqtt::test::golden {

using codec::protocol_version;

// ---------------------------------------------------------------------------------------------- MQTT 3.1.1
inline constexpr std::string_view connect_v311_minimal = R"(
10 0e            // CONNECT, remaining length 14
0004 4d515454    // protocol name "MQTT"
04               // protocol level 4 (3.1.1)
02               // connect flags: clean session
003c             // keep alive 60 s
0002 6331        // client identifier "c1"
)";

inline constexpr std::string_view connect_v311_full = R"(
10 27            // CONNECT, remaining length 39
0004 4d515454    // protocol name "MQTT"
04               // protocol level 4
ec               // flags: user name, password, will retain, will QoS 1, will flag; clean session 0
000a             // keep alive 10 s
0003 636c69      // client identifier "cli"
0005 772f6c7774  // will topic "w/lwt"
0004 62796521    // will message "bye!"
0004 75736572    // user name "user"
0003 707764      // password "pwd"
)";

inline constexpr std::string_view connack_v311_accepted = R"(
20 02            // CONNACK, remaining length 2
01               // acknowledge flags: session present
00               // return code 0: connection accepted
)";

inline constexpr std::string_view connack_v311_not_authorized = R"(
20 02            // CONNACK, remaining length 2
00               // acknowledge flags: no session present
05               // return code 5: refused, not authorized (reason code 0x87)
)";

inline constexpr std::string_view publish_v311_qos0 = R"(
30 08            // PUBLISH QoS 0, remaining length 8
0003 612f62      // topic name "a/b"
686921           // payload "hi!" (no packet identifier at QoS 0)
)";

inline constexpr std::string_view publish_v311_qos1_retain = R"(
33 0a            // PUBLISH QoS 1, RETAIN, remaining length 10
0003 612f62      // topic name "a/b"
0001             // packet identifier 1
686921           // payload "hi!"
)";

inline constexpr std::string_view publish_v311_qos2_dup = R"(
3c 0a            // PUBLISH DUP, QoS 2, remaining length 10
0003 612f62      // topic name "a/b"
1234             // packet identifier 0x1234
686921           // payload "hi!"
)";

inline constexpr std::string_view publish_v311_empty_payload = R"(
31 05            // PUBLISH QoS 0, RETAIN, remaining length 5
0003 612f62      // topic name "a/b"; zero-length payload
)";

inline constexpr std::string_view puback_v311 = R"(
40 02            // PUBACK, remaining length 2
0001             // packet identifier 1
)";

inline constexpr std::string_view pubrec_v311 = R"(
50 02            // PUBREC, remaining length 2
0002             // packet identifier 2
)";

inline constexpr std::string_view pubrel_v311 = R"(
62 02            // PUBREL (flags 0010), remaining length 2
0003             // packet identifier 3
)";

inline constexpr std::string_view pubcomp_v311 = R"(
70 02            // PUBCOMP, remaining length 2
0004             // packet identifier 4
)";

inline constexpr std::string_view subscribe_v311 = R"(
82 12            // SUBSCRIBE (flags 0010), remaining length 18
000a             // packet identifier 10
0003 612f62      // topic filter "a/b"
01               // requested QoS 1
0003 632f23      // topic filter "c/#"
02               // requested QoS 2
0001 2b          // topic filter "+"
00               // requested QoS 0
)";

inline constexpr std::string_view suback_v311 = R"(
90 06            // SUBACK, remaining length 6
000a             // packet identifier 10
00               // return code: success, maximum QoS 0
01               // return code: success, maximum QoS 1
02               // return code: success, maximum QoS 2
80               // return code: failure
)";

inline constexpr std::string_view unsubscribe_v311 = R"(
a2 0c            // UNSUBSCRIBE (flags 0010), remaining length 12
000b             // packet identifier 11
0003 612f62      // topic filter "a/b"
0003 632f23      // topic filter "c/#"
)";

inline constexpr std::string_view unsuback_v311 = R"(
b0 02            // UNSUBACK, remaining length 2
000b             // packet identifier 11
)";

inline constexpr std::string_view pingreq = R"(
c0 00            // PINGREQ, remaining length 0
)";

inline constexpr std::string_view pingresp = R"(
d0 00            // PINGRESP, remaining length 0
)";

inline constexpr std::string_view disconnect_v311 = R"(
e0 00            // DISCONNECT, remaining length 0
)";

// ---------------------------------------------------------------------------------------------- MQTT 5.0
inline constexpr std::string_view connect_v5_minimal = R"(
10 0f            // CONNECT, remaining length 15
0004 4d515454    // protocol name "MQTT"
05               // protocol version 5
02               // connect flags: clean start
003c             // keep alive 60 s
00               // property length 0
0002 6331        // client identifier "c1"
)";

inline constexpr std::string_view connect_v5_full = R"(
10 87 01         // CONNECT, remaining length 135
0004 4d515454    // protocol name "MQTT"
05               // protocol version 5
f6               // flags: user name, password, will retain, will QoS 2, will flag, clean start
001e             // keep alive 30 s
30               // property length 48
11 0000000a      // session expiry interval 10
21 0014          // receive maximum 20
27 00010000      // maximum packet size 65536
22 0005          // topic alias maximum 5
19 01            // request response information 1
17 00            // request problem information 0
26 0001 6b 0001 76     // user property "k" = "v"
26 0001 6b 0002 7632   // user property "k" = "v2" (repeated name, kept in order)
15 0005 534352414d     // authentication method "SCRAM"
16 0002 0102           // authentication data 01 02
0003 636c69      // client identifier "cli"
2e               // will property length 46
18 0000003c      // will delay interval 60
01 01            // payload format indicator 1 (UTF-8)
02 00000e10      // message expiry interval 3600
03 000a 746578742f706c61696e  // content type "text/plain"
08 0005 7265702f31     // response topic "rep/1"
09 0003 010203         // correlation data 01 02 03
26 0001 61 0001 62     // user property "a" = "b"
0005 772f6c7774  // will topic "w/lwt"
0004 62796521    // will payload "bye!"
0004 75736572    // user name "user"
0003 707764      // password "pwd"
)";

inline constexpr std::string_view connect_v5_password_only = R"(
10 11            // CONNECT, remaining length 17
0004 4d515454    // protocol name "MQTT"
05               // protocol version 5
42               // flags: password, clean start (no user name: allowed in 5.0)
0000             // keep alive 0 (disabled)
00               // property length 0
0000             // client identifier "" (zero length)
0002 7077        // password "pw"
)";

inline constexpr std::string_view connack_v5_minimal = R"(
20 03            // CONNACK, remaining length 3
00               // acknowledge flags: no session present
00               // reason code 0x00 success
00               // property length 0
)";

inline constexpr std::string_view connack_v5_full = R"(
20 4f            // CONNACK, remaining length 79
01               // acknowledge flags: session present
00               // reason code 0x00 success
4c               // property length 76
11 0000012c      // session expiry interval 300
21 000a          // receive maximum 10
24 01            // maximum QoS 1
25 00            // retain available 0
27 00100000      // maximum packet size 1048576
12 0004 6175746f       // assigned client identifier "auto"
22 0008          // topic alias maximum 8
1f 0002 6f6b     // reason string "ok"
26 0001 78 0001 79     // user property "x" = "y"
28 00            // wildcard subscription available 0
29 01            // subscription identifier available 1
2a 00            // shared subscription available 0
13 003c          // server keep alive 60
1a 0004 72657370       // response information "resp"
1c 0005 686f737432     // server reference "host2"
15 0005 534352414d     // authentication method "SCRAM"
16 0002 0304     // authentication data 03 04
)";

inline constexpr std::string_view connack_v5_refused = R"(
20 03            // CONNACK, remaining length 3
00               // acknowledge flags: no session present
87               // reason code 0x87 not authorized
00               // property length 0
)";

inline constexpr std::string_view publish_v5_minimal = R"(
30 09            // PUBLISH QoS 0, remaining length 9
0003 612f62      // topic name "a/b"
00               // property length 0 (sent even when empty)
686921           // payload "hi!"
)";

inline constexpr std::string_view publish_v5_full = R"(
32 3c            // PUBLISH QoS 1, remaining length 60
0003 612f62      // topic name "a/b"
0007             // packet identifier 7
31               // property length 49
01 01            // payload format indicator 1
02 0000003c      // message expiry interval 60
23 0004          // topic alias 4
08 0005 7265702f31     // response topic "rep/1"
09 0002 abcd     // correlation data ab cd
26 0001 6b 0001 31     // user property "k" = "1"
26 0001 6b 0001 32     // user property "k" = "2"
0b 01            // subscription identifier 1
0b 8001          // subscription identifier 128 (two-byte variable byte integer)
03 0004 6a736f6e       // content type "json"
686921           // payload "hi!"
)";

inline constexpr std::string_view publish_v5_topic_alias_only = R"(
30 08            // PUBLISH QoS 0, remaining length 8
0000             // topic name "" (the Topic Alias stands for it)
03               // property length 3
23 0004          // topic alias 4
6869             // payload "hi"
)";

inline constexpr std::string_view puback_v5_short = R"(
40 02            // PUBACK, remaining length 2: reason code 0x00 and no properties implied
0001             // packet identifier 1
)";

inline constexpr std::string_view puback_v5_reason = R"(
40 03            // PUBACK, remaining length 3: reason code, no property length
0001             // packet identifier 1
10               // reason code 0x10 no matching subscribers
)";

inline constexpr std::string_view puback_v5_properties = R"(
40 12            // PUBACK, remaining length 18
0001             // packet identifier 1
87               // reason code 0x87 not authorized
0e               // property length 14
1f 0004 6e6f7065       // reason string "nope"
26 0001 61 0001 62     // user property "a" = "b"
)";

inline constexpr std::string_view pubrec_v5 = R"(
50 03            // PUBREC, remaining length 3
0002             // packet identifier 2
91               // reason code 0x91 packet identifier in use
)";

inline constexpr std::string_view pubrel_v5 = R"(
62 03            // PUBREL (flags 0010), remaining length 3
0003             // packet identifier 3
92               // reason code 0x92 packet identifier not found
)";

inline constexpr std::string_view pubcomp_v5 = R"(
70 09            // PUBCOMP, remaining length 9
0004             // packet identifier 4
00               // reason code 0x00 success (written because properties follow)
05               // property length 5
1f 0002 6f6b     // reason string "ok"
)";

inline constexpr std::string_view subscribe_v5 = R"(
82 25            // SUBSCRIBE (flags 0010), remaining length 37
000a             // packet identifier 10
09               // property length 9
0b 05            // subscription identifier 5
26 0001 6b 0001 76     // user property "k" = "v"
0003 612f62      // topic filter "a/b"
2e               // options: retain handling 2, retain as published, no local, QoS 2
0001 23          // topic filter "#"
11               // options: retain handling 1, QoS 1
000c 247368617265 2f 67 2f 612f2b  // topic filter "$share/g/a/+"
00               // options: QoS 0 (no local must be 0 on a shared subscription)
)";

inline constexpr std::string_view suback_v5 = R"(
90 0b            // SUBACK, remaining length 11
000a             // packet identifier 10
05               // property length 5
1f 0002 6f6b     // reason string "ok"
02               // reason code 0x02 granted QoS 2
01               // reason code 0x01 granted QoS 1
9e               // reason code 0x9e shared subscriptions not supported
)";

inline constexpr std::string_view unsubscribe_v5 = R"(
a2 14            // UNSUBSCRIBE (flags 0010), remaining length 20
000b             // packet identifier 11
07               // property length 7
26 0001 6b 0001 76     // user property "k" = "v"
0003 612f62      // topic filter "a/b"
0003 632f23      // topic filter "c/#"
)";

inline constexpr std::string_view unsuback_v5 = R"(
b0 06            // UNSUBACK, remaining length 6
000b             // packet identifier 11
00               // property length 0
00               // reason code 0x00 success
11               // reason code 0x11 no subscription existed
87               // reason code 0x87 not authorized
)";

inline constexpr std::string_view disconnect_v5_short = R"(
e0 00            // DISCONNECT, remaining length 0: normal disconnection, no properties
)";

inline constexpr std::string_view disconnect_v5_reason = R"(
e0 01            // DISCONNECT, remaining length 1: reason code only
04               // reason code 0x04 disconnect with will message
)";

inline constexpr std::string_view disconnect_v5_client = R"(
e0 14            // DISCONNECT, remaining length 20
04               // reason code 0x04 disconnect with will message
12               // property length 18
11 00000000      // session expiry interval 0
1f 0003 627965   // reason string "bye"
26 0001 6b 0001 76     // user property "k" = "v"
)";

inline constexpr std::string_view disconnect_v5_server = R"(
e0 0a            // DISCONNECT, remaining length 10
9c               // reason code 0x9c use another server
08               // property length 8
1c 0005 686f737432     // server reference "host2"
)";

inline constexpr std::string_view auth_v5_short = R"(
f0 00            // AUTH, remaining length 0: success, no properties
)";

inline constexpr std::string_view auth_v5_continue = R"(
f0 1e            // AUTH, remaining length 30
18               // reason code 0x18 continue authentication
1c               // property length 28
15 0005 534352414d     // authentication method "SCRAM"
16 0003 010203   // authentication data 01 02 03
1f 0004 6d6f7265 // reason string "more"
26 0001 6b 0001 76     // user property "k" = "v"
)";

inline constexpr std::string_view auth_v5_reauthenticate = R"(
f0 0a            // AUTH, remaining length 10
19               // reason code 0x19 re-authenticate
08               // property length 8
15 0005 534352414d     // authentication method "SCRAM"
)";

struct golden_vector {
    std::string_view name;
    protocol_version version;
    std::string_view hex;
};

inline constexpr std::array all_golden_vectors = {
    golden_vector{"connect_v311_minimal", protocol_version::v311, connect_v311_minimal},
    golden_vector{"connect_v311_full", protocol_version::v311, connect_v311_full},
    golden_vector{"connack_v311_accepted", protocol_version::v311, connack_v311_accepted},
    golden_vector{"connack_v311_not_authorized", protocol_version::v311, connack_v311_not_authorized},
    golden_vector{"publish_v311_qos0", protocol_version::v311, publish_v311_qos0},
    golden_vector{"publish_v311_qos1_retain", protocol_version::v311, publish_v311_qos1_retain},
    golden_vector{"publish_v311_qos2_dup", protocol_version::v311, publish_v311_qos2_dup},
    golden_vector{"publish_v311_empty_payload", protocol_version::v311, publish_v311_empty_payload},
    golden_vector{"puback_v311", protocol_version::v311, puback_v311},
    golden_vector{"pubrec_v311", protocol_version::v311, pubrec_v311},
    golden_vector{"pubrel_v311", protocol_version::v311, pubrel_v311},
    golden_vector{"pubcomp_v311", protocol_version::v311, pubcomp_v311},
    golden_vector{"subscribe_v311", protocol_version::v311, subscribe_v311},
    golden_vector{"suback_v311", protocol_version::v311, suback_v311},
    golden_vector{"unsubscribe_v311", protocol_version::v311, unsubscribe_v311},
    golden_vector{"unsuback_v311", protocol_version::v311, unsuback_v311},
    golden_vector{"pingreq_v311", protocol_version::v311, pingreq},
    golden_vector{"pingresp_v311", protocol_version::v311, pingresp},
    golden_vector{"disconnect_v311", protocol_version::v311, disconnect_v311},
    golden_vector{"connect_v5_minimal", protocol_version::v5, connect_v5_minimal},
    golden_vector{"connect_v5_full", protocol_version::v5, connect_v5_full},
    golden_vector{"connect_v5_password_only", protocol_version::v5, connect_v5_password_only},
    golden_vector{"connack_v5_minimal", protocol_version::v5, connack_v5_minimal},
    golden_vector{"connack_v5_full", protocol_version::v5, connack_v5_full},
    golden_vector{"connack_v5_refused", protocol_version::v5, connack_v5_refused},
    golden_vector{"publish_v5_minimal", protocol_version::v5, publish_v5_minimal},
    golden_vector{"publish_v5_full", protocol_version::v5, publish_v5_full},
    golden_vector{"publish_v5_topic_alias_only", protocol_version::v5, publish_v5_topic_alias_only},
    golden_vector{"puback_v5_short", protocol_version::v5, puback_v5_short},
    golden_vector{"puback_v5_reason", protocol_version::v5, puback_v5_reason},
    golden_vector{"puback_v5_properties", protocol_version::v5, puback_v5_properties},
    golden_vector{"pubrec_v5", protocol_version::v5, pubrec_v5},
    golden_vector{"pubrel_v5", protocol_version::v5, pubrel_v5},
    golden_vector{"pubcomp_v5", protocol_version::v5, pubcomp_v5},
    golden_vector{"subscribe_v5", protocol_version::v5, subscribe_v5},
    golden_vector{"suback_v5", protocol_version::v5, suback_v5},
    golden_vector{"unsubscribe_v5", protocol_version::v5, unsubscribe_v5},
    golden_vector{"unsuback_v5", protocol_version::v5, unsuback_v5},
    golden_vector{"pingreq_v5", protocol_version::v5, pingreq},
    golden_vector{"pingresp_v5", protocol_version::v5, pingresp},
    golden_vector{"disconnect_v5_short", protocol_version::v5, disconnect_v5_short},
    golden_vector{"disconnect_v5_reason", protocol_version::v5, disconnect_v5_reason},
    golden_vector{"disconnect_v5_client", protocol_version::v5, disconnect_v5_client},
    golden_vector{"disconnect_v5_server", protocol_version::v5, disconnect_v5_server},
    golden_vector{"auth_v5_short", protocol_version::v5, auth_v5_short},
    golden_vector{"auth_v5_continue", protocol_version::v5, auth_v5_continue},
    golden_vector{"auth_v5_reauthenticate", protocol_version::v5, auth_v5_reauthenticate},
};

}  // namespace mqtt::test::golden
