"""The generated protocol modules load with the installed protobuf runtime."""

import unittest

from lianbang.v1 import federation_pb2


class ProtoTest(unittest.TestCase):
    def test_register_request_round_trips(self) -> None:
        request = federation_pb2.RegisterRequest(client_name="site-1", protocol_version=federation_pb2.PROTOCOL_VERSION_1)
        parsed = federation_pb2.RegisterRequest.FromString(request.SerializeToString())
        self.assertEqual("site-1", parsed.client_name)
        self.assertEqual(federation_pb2.PROTOCOL_VERSION_1, parsed.protocol_version)


if __name__ == "__main__":
    unittest.main()
