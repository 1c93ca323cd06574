"""Parameter transfers: a task's declared layout checked against the client's limits, downloads
assembled from chunks with every check of ``docs/protocol.md`` ("Chunks"), and uploads cut into
chunks lazily (as the Java client's ``ParameterTransfer``, ``ChunkAssembler`` and ``ChunkEncoder``,
and for encoded tensors ``EncodedChunkAssembler`` and ``EncodedChunkEncoder``)."""

from __future__ import annotations

import math
from typing import Iterable, Iterator, List, Sequence, Tuple

import numpy as np

from .v1 import federation_pb2 as pb

Shape = Tuple[int, ...]
_FLOAT32 = np.dtype("<f4")


class MalformedParameters(Exception):
    """The server sent chunks that do not fill the task's layout in protocol order."""


def accepted_layout(spec: pb.ParametersSpec, max_model_bytes: int, max_model_tensors: int) -> List[Shape]:
    """The shapes of a task's model, checked against the client's limits before anything is
    allocated or downloaded.

    Raises:
        ValueError: naming the declared size and the limit it exceeds, or the unusable tensor.
    """
    count = len(spec.tensors)
    if count > max_model_tensors:
        raise ValueError(f"the task's model declares {count} tensors, more than this client's limit "
                         f"max_model_tensors = {max_model_tensors}")
    shapes: List[Shape] = []
    total = 0
    for i, t in enumerate(spec.tensors):
        if t.dtype != pb.DTYPE_FLOAT32:
            raise ValueError(f"the task's model layout is unusable: tensor[{i}] has dtype {t.dtype} "
                             f"({pb.DType.Name(t.dtype) if t.dtype in pb.DType.values() else 'unknown'}); "
                             "only DTYPE_FLOAT32 is supported")
        for d, dim in enumerate(t.shape):
            if dim < 0:
                raise ValueError(f"the task's model layout is unusable: tensor[{i}] shape[{d}] is negative: {dim}")
        shape = tuple(int(d) for d in t.shape)
        total += 4 * math.prod(shape)
        shapes.append(shape)
        if total > max_model_bytes:
            break
    if total > max_model_bytes:
        declared = sum(4 * math.prod(tuple(t.shape)) for t in spec.tensors)
        raise ValueError(f"the task's model declares {declared} bytes in {count} tensors, more than this client's limit "
                         f"max_model_bytes = {max_model_bytes}")
    return shapes


class Assembler:
    """Rebuilds float32 arrays of a known layout from chunks received in protocol order, checking
    each chunk as it arrives: the expected tensor and byte offset, at least one and a whole number
    of values, at most ``max_chunk_bytes``, nothing past the tensor's end. A tensor's array is
    allocated when its first chunk arrives."""

    def __init__(self, shapes: Sequence[Shape], max_chunk_bytes: int) -> None:
        self._shapes = list(shapes)
        self._max = max_chunk_bytes
        self._done: List[np.ndarray] = []
        self._current: np.ndarray | None = None
        self._filled = 0
        self._skip_empty()

    def _skip_empty(self) -> None:
        while len(self._done) < len(self._shapes) and math.prod(self._shapes[len(self._done)]) == 0:
            self._done.append(np.zeros(self._shapes[len(self._done)], dtype=np.float32))

    def accept(self, chunk: pb.TensorChunk) -> None:
        """Adds the next chunk.

        Raises:
            MalformedParameters: naming the problem if the chunk is not the one expected.
        """
        index = len(self._done)
        if index >= len(self._shapes):
            raise MalformedParameters(f"chunk for tensor[{chunk.tensor_index}] arrived after all "
                                      f"{len(self._shapes)} tensors were complete")
        expected = 4 * self._filled
        if chunk.tensor_index != index or chunk.byte_offset != expected:
            raise MalformedParameters(f"chunk out of order: expected tensor[{index}] at byte {expected} but got "
                                      f"tensor[{chunk.tensor_index}] at byte {chunk.byte_offset}")
        size = len(chunk.data)
        if size == 0:
            raise MalformedParameters(f"chunk for tensor[{index}] at byte {expected} is empty")
        if size > self._max:
            raise MalformedParameters(f"chunk for tensor[{index}] has {size} bytes, more than the limit of {self._max}")
        if size % 4:
            raise MalformedParameters(f"chunk for tensor[{index}] has {size} bytes, not a whole number of float32 values")
        shape = self._shapes[index]
        total = math.prod(shape)
        n = size // 4
        if self._filled + n > total:
            raise MalformedParameters(f"chunk for tensor[{index}] {list(shape)} runs past its end: "
                                      f"{self._filled + n} values for a tensor of {total}")
        if self._current is None:
            self._current = np.empty(total, dtype=np.float32)
        self._current[self._filled:self._filled + n] = np.frombuffer(chunk.data, dtype=_FLOAT32)
        self._filled += n
        if self._filled == total:
            self._done.append(self._current.reshape(shape))
            self._current = None
            self._filled = 0
            self._skip_empty()

    def finish(self) -> List[np.ndarray]:
        """The assembled arrays.

        Raises:
            MalformedParameters: naming the first incomplete tensor if chunks are missing.
        """
        index = len(self._done)
        if index < len(self._shapes):
            raise MalformedParameters(f"the parameters are truncated: tensor[{index}] has {4 * self._filled} of "
                                      f"{4 * math.prod(self._shapes[index])} bytes, and "
                                      f"{len(self._shapes) - index - 1} later tensors are missing")
        return self._done


def assemble(chunks: Iterable[pb.TensorChunk], shapes: Sequence[Shape], max_chunk_bytes: int) -> List[np.ndarray]:
    """The arrays ``chunks`` fill, checked as :class:`Assembler` does."""
    assembler = Assembler(shapes, max_chunk_bytes)
    for chunk in chunks:
        assembler.accept(chunk)
    return assembler.finish()


def chunks(arrays: Sequence[np.ndarray], max_chunk_bytes: int) -> Iterator[pb.TensorChunk]:
    """The chunks of float32 ``arrays`` in protocol order, each a whole number of values and at
    most ``max_chunk_bytes`` (at least one value); made one at a time as they are consumed."""
    per_chunk = max(1, max_chunk_bytes // 4)
    for index, array in enumerate(arrays):
        flat = np.ascontiguousarray(array, dtype=_FLOAT32).reshape(-1)
        for start in range(0, flat.size, per_chunk):
            yield pb.TensorChunk(tensor_index=index, byte_offset=4 * start,
                                 data=flat[start:start + per_chunk].tobytes())


class EncodedAssembler:
    """Collects the encoded bytes of tensors of a known layout from chunks received in protocol
    order, checking each chunk as it arrives: the expected tensor and byte offset, 1 to
    ``max_chunk_bytes`` bytes, nothing beyond the tensor's encoded size (exactly
    ``codec.encoded_bytes(values)``). A tensor's buffer is allocated when its first chunk arrives."""

    def __init__(self, codec, shapes: Sequence[Shape], max_chunk_bytes: int) -> None:
        self._codec = codec
        self._sizes = [codec.encoded_bytes(math.prod(s)) for s in shapes]
        self._max = max_chunk_bytes
        self._done: List[bytes] = []
        self._current: bytearray | None = None
        self._filled = 0
        self._skip_empty()

    def _skip_empty(self) -> None:
        while len(self._done) < len(self._sizes) and self._sizes[len(self._done)] == 0:
            self._done.append(b"")

    def accept(self, chunk: pb.TensorChunk) -> None:
        """Adds the next chunk.

        Raises:
            MalformedParameters: naming the problem if the chunk is not the one expected.
        """
        index = len(self._done)
        if index >= len(self._sizes):
            raise MalformedParameters(f"chunk for tensor[{chunk.tensor_index}] arrived after all "
                                      f"{len(self._sizes)} tensors were complete")
        if chunk.tensor_index != index or chunk.byte_offset != self._filled:
            raise MalformedParameters(f"chunk out of order: expected tensor[{index}] at byte {self._filled} but got "
                                      f"tensor[{chunk.tensor_index}] at byte {chunk.byte_offset}")
        size = len(chunk.data)
        if size == 0:
            raise MalformedParameters(f"chunk for tensor[{index}] at byte {self._filled} is empty")
        if size > self._max:
            raise MalformedParameters(f"chunk for tensor[{index}] has {size} bytes, more than the limit of {self._max}")
        if self._filled + size > self._sizes[index]:
            raise MalformedParameters(f"chunk for tensor[{index}] runs past its end: {self._filled + size} bytes of "
                                      f"{self._codec.name}, which encodes the tensor in exactly {self._sizes[index]}")
        if self._current is None:
            self._current = bytearray(self._sizes[index])
        self._current[self._filled:self._filled + size] = chunk.data
        self._filled += size
        if self._filled == self._sizes[index]:
            self._done.append(bytes(self._current))
            self._current = None
            self._filled = 0
            self._skip_empty()

    def finish(self) -> List[bytes]:
        """The encoded bytes of each tensor.

        Raises:
            MalformedParameters: naming the first incomplete tensor if chunks are missing.
        """
        index = len(self._done)
        if index < len(self._sizes):
            raise MalformedParameters(f"the parameters are truncated: tensor[{index}] has {self._filled} of "
                                      f"{self._sizes[index]} bytes of {self._codec.name}, and "
                                      f"{len(self._sizes) - index - 1} later tensors are missing")
        return self._done


def encoded_chunks(tensors: Sequence[bytes], max_chunk_bytes: int) -> Iterator[pb.TensorChunk]:
    """The chunks of encoded tensors in protocol order: each tensor's bytes from offset 0 to their
    end in slices of 1 to ``max_chunk_bytes`` bytes; a tensor of no bytes has no chunks."""
    step = max(1, max_chunk_bytes)
    for index, data in enumerate(tensors):
        for start in range(0, len(data), step):
            yield pb.TensorChunk(tensor_index=index, byte_offset=start, data=data[start:start + step])


def spec_of(shapes: Iterable[Sequence[int]]) -> pb.ParametersSpec:
    """The layout of float32 tensors with these shapes."""
    return pb.ParametersSpec(tensors=[pb.TensorSpec(dtype=pb.DTYPE_FLOAT32, shape=list(s)) for s in shapes])
