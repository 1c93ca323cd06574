"""lianbang.torch: the module of each spec, the round trip of its parameters, and its forward
pass against the Java engine's (the fixture TorchForwardTest writes; $LIANBANG_FORWARD_FIXTURE)."""

import json
import os
import unittest

import numpy as np

from lianbang import layouts

try:
    import torch
except ImportError:  # torch is optional: only lianbang.torch needs it
    torch = None

if torch is not None:
    from lianbang import torch as lt

SPECS = ["linear:13", "linear:4-3", "logistic:30", "softmax:6-3", "mlp:5-7-3", "mlp:4-4-4-3", "lenet"]
FIXTURE = "LIANBANG_FORWARD_FIXTURE"


@unittest.skipIf(torch is None, "torch is not installed")
class TorchTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        torch.set_num_threads(1)

    def test_the_module_has_the_layout_of_the_spec(self):
        for spec in SPECS:
            with self.subTest(spec=spec):
                state = lt.build_module(spec).state_dict()
                self.assertEqual(layouts.parameter_names(spec), list(state.keys()))
                self.assertEqual(layouts.layout(spec), [tuple(t.shape) for t in state.values()])

    def test_parameters_round_trip_through_a_module(self):
        rng = np.random.default_rng(5)
        for spec in SPECS:
            with self.subTest(spec=spec):
                params = [rng.standard_normal(shape).astype(np.float32) for shape in layouts.layout(spec)]
                module = lt.build_module(spec)
                lt.load_parameters(module, params, spec)
                back = lt.to_parameters(module, spec)
                self.assertEqual(len(params), len(back))
                for a, b in zip(params, back):
                    self.assertEqual(np.float32, b.dtype)
                    np.testing.assert_array_equal(a, b)
                again = lt.to_parameters(module.state_dict(), spec)
                for a, b in zip(params, again):
                    np.testing.assert_array_equal(a, b)
                back[0][...] = 0  # a copy: the module keeps its values
                np.testing.assert_array_equal(params[0], lt.to_parameters(module, spec)[0])

    def test_a_dense_weight_is_not_transposed(self):
        # y = x·Wᵀ + b with W = [[1, 2, 3], [4, 5, 6]] (out 2, in 3): by hand, x = (1, 0, -1) gives (1 - 3, 4 - 6) + b
        module = lt.build_module("linear:3-2")
        lt.load_parameters(module, [np.array([[1, 2, 3], [4, 5, 6]], np.float32), np.array([0.5, -0.5], np.float32)], "linear:3-2")
        with torch.no_grad():
            y = module(torch.tensor([[1.0, 0.0, -1.0]]))
        np.testing.assert_array_equal(np.array([[-1.5, -2.5]], np.float32), y.numpy())

    def test_wrong_parameters_are_refused_naming_the_tensor(self):
        module = lt.build_module("mlp:4-5-3")
        before = lt.to_parameters(module, "mlp:4-5-3")
        wrong = [np.zeros(s, np.float32) for s in layouts.layout("mlp:4-5-3")]
        wrong[2] = np.zeros((5, 3), np.float32)  # transposed
        with self.assertRaises(ValueError) as e:
            lt.load_parameters(module, wrong, "mlp:4-5-3")
        self.assertIn("2.weight", str(e.exception))
        self.assertIn("[3, 5]", str(e.exception))
        with self.assertRaises(ValueError):
            lt.load_parameters(module, wrong[:3], "mlp:4-5-3")
        for a, b in zip(before, lt.to_parameters(module, "mlp:4-5-3")):
            np.testing.assert_array_equal(a, b)  # unchanged
        with self.assertRaises(ValueError) as e:
            lt.to_parameters(lt.build_module("mlp:4-6-3"), "mlp:4-5-3")
        self.assertIn("0.weight", str(e.exception))

    @unittest.skipUnless(os.environ.get(FIXTURE), f"${FIXTURE} unset: TorchForwardTest runs this with the Java engine's outputs")
    def test_forward_matches_java_engine(self):
        with open(os.environ[FIXTURE], encoding="utf-8") as f:
            cases = json.load(f)["cases"]
        self.assertTrue(cases)
        for case in cases:
            spec = case["spec"]
            with self.subTest(spec=spec):
                params = [np.array(t["values"], np.float32).reshape(t["shape"]) for t in case["parameters"]]
                module = lt.build_module(spec)
                lt.load_parameters(module, params, spec)
                n = case["examples"]
                x = torch.from_numpy(np.array(case["input"], np.float32).reshape(n, -1))
                if spec == "lenet":
                    x = x.reshape(n, 1, 28, 28)
                with torch.no_grad():
                    y = module(x).numpy().reshape(-1)
                expected = np.array(case["outputs"], np.float32)
                self.assertEqual(expected.shape, y.shape)
                np.testing.assert_allclose(y, expected, rtol=1e-4, atol=1e-5)


if __name__ == "__main__":
    unittest.main()
