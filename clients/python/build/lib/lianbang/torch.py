"""PyTorch helpers: the ``torch.nn`` module equivalent to an engine model spec, and conversion
between its parameters and the wire layout (``docs/protocol.md``, "Model layouts").

The wire layout is PyTorch's own, so the conversion never transposes: the tensors are the
module's ``state_dict()`` entries named by :func:`lianbang.layouts.parameter_names`, in that
order, as float32. This module imports ``torch``; the rest of the package does not need it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import torch
from torch import nn

from . import layouts

__all__ = ["build_module", "to_parameters", "load_parameters"]


def build_module(spec: str) -> nn.Sequential:
    """The ``torch.nn.Sequential`` that computes what the engine's ``spec`` model computes: its
    output is the engine's (logits, or the prediction of ``linear``). A ``lenet`` module takes
    images ``[N, 1, 28, 28]``: reshape the 784 features of each example row by row.

    Raises:
        ValueError: naming the spec if it is malformed.
    """
    parsed = layouts.parse(spec)
    if parsed.kind == "lenet":
        return nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(400, 120), nn.ReLU(),
            nn.Linear(120, 84), nn.ReLU(),
            nn.Linear(84, 10))
    widths = parsed.dense_sizes()
    modules: list[nn.Module] = []
    for i in range(1, len(widths)):
        if i > 1:
            modules.append(nn.ReLU())
        modules.append(nn.Linear(widths[i - 1], widths[i]))
    return nn.Sequential(*modules)


def _state(module_or_state_dict) -> Mapping[str, torch.Tensor]:
    if isinstance(module_or_state_dict, nn.Module):
        return module_or_state_dict.state_dict()
    if isinstance(module_or_state_dict, Mapping):
        return module_or_state_dict
    raise TypeError(f"expected a torch.nn.Module or a state_dict, got {type(module_or_state_dict).__name__}")


def to_parameters(module_or_state_dict, spec: str) -> list[np.ndarray]:
    """The wire parameters of a module (or its ``state_dict()``) of ``spec``: one float32 array per
    tensor, in wire order, copies of the values.

    Raises:
        ValueError: naming the tensor if the module lacks it or has it in another shape.
    """
    state = _state(module_or_state_dict)
    out = []
    for name, shape in zip(layouts.parameter_names(spec), layouts.layout(spec)):
        if name not in state:
            raise ValueError(f"model spec {spec}: the module has no tensor {name}")
        t = state[name]
        if tuple(t.shape) != shape:
            raise ValueError(f"model spec {spec}: tensor {name} has shape {list(t.shape)}, expected {list(shape)}")
        out.append(np.ascontiguousarray(t.detach().to("cpu", torch.float32).numpy(), dtype=np.float32).copy())
    return out


def load_parameters(module: nn.Module, parameters: Sequence[np.ndarray], spec: str) -> None:
    """Replaces the parameters of ``module`` (one of ``spec``, e.g. from :func:`build_module`) with
    the wire ``parameters``; nothing changes if they do not fit.

    Raises:
        ValueError: naming the tensor and both shapes if the count or a shape differs.
    """
    names = layouts.parameter_names(spec)
    shapes = layouts.layout(spec)
    if len(parameters) != len(names):
        raise ValueError(f"model spec {spec} has {len(names)} tensors, got {len(parameters)}")
    state = module.state_dict()
    values = {}
    for i, (name, shape) in enumerate(zip(names, shapes)):
        array = np.asarray(parameters[i])
        if tuple(array.shape) != shape:
            raise ValueError(f"model spec {spec}: tensor[{i}] {name} expects shape {list(shape)}, got {list(array.shape)}")
        if name not in state or tuple(state[name].shape) != shape:
            raise ValueError(f"model spec {spec}: the module has no tensor {name} of shape {list(shape)}")
        values[name] = torch.from_numpy(np.array(array, dtype=np.float32))
    with torch.no_grad():
        for name, value in values.items():
            state[name].copy_(value.to(state[name].dtype))
