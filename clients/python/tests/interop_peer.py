"""A Python peer the Java interoperability tests drive over stdin/stdout.

Each request and each reply is two frames, every frame a 4-byte big-endian length then that many
bytes: an ASCII header of space-separated tokens, then a binary body. A reply header is ``ok`` and
its tokens, or ``error KIND message``. Requests:

* ``new ID`` — a SecAggParticipant named ID;
* ``input ID ROUND WEIGHT SEED`` + float32 little-endian update — ``set_input``;
* ``stage ID`` + message — ``handle``; the body of the reply is the answer;
* ``mask SEEDHEX N BITS`` — the PRG mask as uint64 little-endian;
* ``quantize LO HI BITS TERMS SEED`` + float64 little-endian values — the codes as uint64 little-endian;
* ``split SECRETHEX T X1,X2,...`` — reply ``ok Y1,Y2,...`` (decimal);
* ``reconstruct X1:Y1,X2:Y2,...`` — reply ``ok SECRET`` (decimal);
* ``encrypt SECRETHEX ROUND FROM TO NONCEHEX`` + plaintext, ``decrypt SECRETHEX ROUND FROM TO`` + ciphertext;
* ``encode NAME PARAMS SEED`` + float32 little-endian values, ``decode NAME PARAMS N`` + bytes
  (PARAMS: ``k=v,k=v`` or ``-``) — a codec's bytes or values (float32 little-endian);
* ``uplink NAME PARAMS N0,N1,... SEED1,SEED2,...`` + float32 little-endian trained tensors of each
  task in turn (the start is zeros) — one :class:`UpdateEncoder` with error feedback encodes them
  task by task; the body is every task's tensors' bytes, in order;
* ``rounding SEED`` — reply ``ok rounding_seed(SEED)``;
* ``exit``.
"""

import struct
import sys

import numpy as np

from lianbang import secagg


def read_frame(stream):
    head = stream.read(4)
    if len(head) < 4:
        return None
    (n,) = struct.unpack(">I", head)
    data = stream.read(n)
    if len(data) < n:
        return None
    return data


def write(stream, header: str, body: bytes = b"") -> None:
    h = header.encode("utf-8")
    stream.write(struct.pack(">I", len(h)) + h + struct.pack(">I", len(body)) + body)
    stream.flush()


def params(token: str):
    if token == "-":
        return {}
    return {k: float(v) for k, v in (p.split("=", 1) for p in token.split(","))}


def serve(inp, out) -> None:
    participants = {}
    while True:
        header = read_frame(inp)
        body = read_frame(inp)
        if header is None or body is None:
            return
        t = header.decode("ascii").split(" ")
        op = t[0]
        try:
            if op == "exit":
                write(out, "ok")
                return
            if op == "new":
                participants[t[1]] = secagg.SecAggParticipant()
                write(out, "ok")
            elif op == "input":
                delta = np.frombuffer(body, dtype="<f4")
                participants[t[1]].set_input(int(t[2]), [delta], float(t[3]), int(t[4]))
                write(out, "ok")
            elif op == "stage":
                write(out, "ok", participants[t[1]].handle(body))
            elif op == "mask":
                m = secagg.prg_mask(bytes.fromhex(t[1]), int(t[2]), int(t[3]))
                write(out, "ok", m.astype("<u8").tobytes())
            elif op == "quantize":
                v = np.frombuffer(body, dtype="<f8")
                q = secagg.quantize(v, float(t[1]), float(t[2]), int(t[3]), int(t[4]), int(t[5]))
                write(out, "ok", q.astype("<u8").tobytes())
            elif op == "split":
                ys = secagg.shamir_split(bytes.fromhex(t[1]), int(t[2]), [int(x) for x in t[3].split(",")], __import__("os").urandom)
                write(out, "ok " + ",".join(str(y) for y in ys))
            elif op == "reconstruct":
                points = {int(x): int(y) for x, y in (p.split(":") for p in t[1].split(","))}
                write(out, "ok " + str(secagg.shamir_reconstruct(points)))
            elif op == "encrypt":
                c = secagg.share_encrypt(bytes.fromhex(t[1]), body, int(t[2]), int(t[3]), int(t[4]), bytes.fromhex(t[5]))
                write(out, "ok", c)
            elif op == "decrypt":
                write(out, "ok", secagg.share_decrypt(bytes.fromhex(t[1]), body, int(t[2]), int(t[3]), int(t[4])))
            elif op == "rounding":
                write(out, "ok " + str(secagg.rounding_seed(int(t[1]))))
            elif op == "encode":
                from lianbang import codecs
                c = codecs.create(t[1], params(t[2]))
                write(out, "ok", c.encode(np.frombuffer(body, dtype="<f4"), int(t[3])))
            elif op == "uplink":
                from lianbang import codecs
                encoder = codecs.UpdateEncoder(codecs.create(t[1], params(t[2])), True)
                sizes = [int(x) for x in t[3].split(",")]
                values = np.frombuffer(body, dtype="<f4")
                pieces, at = [], 0
                for seed in (int(x) for x in t[4].split(",")):
                    trained = []
                    for n in sizes:
                        trained.append(values[at:at + n])
                        at += n
                    pieces += encoder.encode([np.zeros(n, np.float32) for n in sizes], trained, seed)
                write(out, "ok", b"".join(pieces))
            elif op == "decode":
                from lianbang import codecs
                c = codecs.create(t[1], params(t[2]))
                write(out, "ok", c.decode(body, int(t[3])).astype("<f4").tobytes())
            else:
                write(out, "error PROTOCOL unknown op " + op)
        except secagg.SecAggError as e:
            write(out, f"error {e.kind} {e.message}")
        except Exception as e:  # reported to the test, which decides
            write(out, f"error {type(e).__name__} {e}")


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
