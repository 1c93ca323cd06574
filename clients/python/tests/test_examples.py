"""The examples' training against hand-computed steps of SGD, and the NumPy and the PyTorch
example against each other on one logistic model (two independent implementations)."""

import os
import sys
import unittest

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples"))

import numpy_breast_cancer  # noqa: E402
from lianbang.training import Settings  # noqa: E402

try:
    import torch
except ImportError:  # torch is optional
    torch = None

X = np.array([[1, 2], [3, -1]], dtype=np.float32)
Y = np.array([1, 0])


def zeros():
    return [np.zeros((1, 2), np.float32), np.zeros(1, np.float32)]


class NumpyExampleTest(unittest.TestCase):
    def test_one_sgd_step_is_the_mean_gradient_of_the_batch(self):
        client = numpy_breast_cancer.LogisticRegression(X, Y)
        (w, b), loss, steps = client.train(zeros(), X, Y, Settings(batch_size=2, lr=0.1), 0)
        # z = 0: sigmoid 0.5, residuals (-0.5, 0.5); mean gradient w: (-0.5·1 + 0.5·3, -0.5·2 + 0.5·-1) / 2 = (0.5, -0.75), b: 0
        np.testing.assert_allclose([[-0.05, 0.075]], w, rtol=1e-6)
        np.testing.assert_allclose([0], b, atol=1e-7)
        self.assertAlmostEqual(np.log(2), loss, places=6)
        self.assertEqual(1, steps)

    def test_momentum_and_weight_decay_as_pytorch_sgd(self):
        client = numpy_breast_cancer.LogisticRegression(X[:1], Y[:1])
        s = Settings(local_epochs=2, batch_size=1, lr=0.1, momentum=0.5, weight_decay=0.1)
        (w, b), _, steps = client.train(zeros(), X[:1], Y[:1], s, 0)
        # step 1: z = 0, g = (-0.5, -1 | -0.5), d = g, buf = d, p = (0.05, 0.1 | 0.05)
        # step 2: z = 0.05 + 0.2 + 0.05 = 0.3, r = sigmoid(0.3) - 1; d = r·(1, 2 | 1) + 0.1·p; buf = 0.5·buf + d
        r = 1 / (1 + np.exp(-0.3)) - 1
        p1 = np.array([0.05, 0.1, 0.05])
        buf = 0.5 * np.array([-0.5, -1, -0.5]) + r * np.array([1, 2, 1]) + 0.1 * p1
        expected = p1 - 0.1 * buf
        np.testing.assert_allclose(expected[:2], w[0], rtol=1e-5)
        np.testing.assert_allclose(expected[2:], b, rtol=1e-5)
        self.assertEqual(2, steps)

    def test_evaluation_is_the_mean_loss_and_the_share_of_correct_signs(self):
        client = numpy_breast_cancer.LogisticRegression(X, Y)
        loss, metrics = client.test([np.array([[1, 0]], np.float32), np.array([-2], np.float32)], X, Y)
        # logits -1 (label 1: wrong) and 1 (label 0: wrong)
        self.assertAlmostEqual(np.log1p(np.exp(1)), loss, places=6)
        self.assertEqual({"accuracy": 0.0}, metrics)


@unittest.skipIf(torch is None, "torch is not installed")
class TorchExampleTest(unittest.TestCase):
    def test_trains_a_logistic_model_as_the_numpy_example(self):
        import pytorch_fashion_mnist
        torch.set_num_threads(1)
        rng = np.random.default_rng(3)
        x = rng.normal(size=(10, 2)).astype(np.float32)
        y = (x[:, 0] > 0).astype(np.int64)
        start = [np.array([[0.3, -0.2]], np.float32), np.array([0.1], np.float32)]
        for optimizer in ("sgd", "adam"):
            s = Settings(local_epochs=3, batch_size=10, optimizer=optimizer, lr=0.1, momentum=0.5, weight_decay=0.01)
            with self.subTest(optimizer=optimizer):
                numpy_result, numpy_loss, _ = numpy_breast_cancer.LogisticRegression(x, y).train(start, x, y, s, 0)
                t = pytorch_fashion_mnist.TorchClient("logistic:2", x, y, None, lambda m: None)
                torch_result, torch_loss, steps = t.train(start, x, y, s, 0)
                self.assertEqual(3, steps)
                for a, b in zip(numpy_result, torch_result):
                    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
                self.assertAlmostEqual(numpy_loss, torch_loss, places=5)
                self.assertAlmostEqual(t.test(torch_result, x, y)[0], numpy_breast_cancer.LogisticRegression(x, y).test(numpy_result, x, y)[0],
                                       places=5)


if __name__ == "__main__":
    unittest.main()
