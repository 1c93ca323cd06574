"""The training contract's client side (lianbang.training) against hand-computed values."""

import unittest

import numpy as np

from lianbang.training import (LocalDataClient, Settings, federated_scaler, fit_scaler, is_statistics_task, scaling_mode,
                               settings, statistics)


class SettingsTest(unittest.TestCase):
    def test_defaults_of_the_contract(self):
        self.assertEqual(Settings(1, 32, "sgd", 0.01, 0.0, 0.0), settings({}))

    def test_reads_every_key_and_ignores_unknown_ones(self):
        s = settings({"local_epochs": 3, "batch_size": 16, "optimizer": "ADAM", "lr": 0.5, "momentum": 0.9,
                      "weight_decay": 1e-4, "something_else": "x"})
        self.assertEqual(Settings(3, 16, "adam", 0.5, 0.9, 1e-4), s)

    def test_refuses_values_out_of_range_naming_key_and_value(self):
        for config, message in (({"local_epochs": 0}, "config local_epochs must be an integer >= 1, got '0'"),
                                ({"batch_size": 2.5}, "config batch_size must be an integer >= 1, got '2.5'"),
                                ({"optimizer": "rmsprop"}, "config optimizer must be sgd or adam, got 'rmsprop'"),
                                ({"lr": -1.0}, "config lr must be a number > 0, got '-1.0'"),
                                ({"momentum": 1.0}, "config momentum must be a number in [0, 1), got '1.0'"),
                                ({"weight_decay": float("nan")}, "config weight_decay must be a number >= 0, got 'nan'"),
                                ({"optimizer": "x" * 1000}, "got '" + "x" * 77 + "...'")):
            with self.subTest(config=str(config)[:40]):
                with self.assertRaises(ValueError) as e:
                    settings(config)
                self.assertIn(message, str(e.exception))

    def test_refuses_training_it_does_not_implement(self):
        for key, value in (("proximal_mu", 0.01), ("scaffold", True), ("dp_mode", "client"), ("dp_clip", 1.0)):
            with self.assertRaises(ValueError) as e:
                settings({key: value})
            self.assertIn(f"config {key} '{value}'", str(e.exception))
        self.assertEqual(Settings(), settings({"proximal_mu": 0.0, "scaffold": False}))


class ScalingTest(unittest.TestCase):
    X = np.array([[1, 2], [3, 6]], dtype=np.float32)

    def test_mode_defaults_to_none_and_refuses_other_words(self):
        self.assertEqual("none", scaling_mode({}))
        self.assertEqual("federated", scaling_mode({"normalize": " Federated "}))
        with self.assertRaises(ValueError) as e:
            scaling_mode({"normalize": "global"})
        self.assertIn("config normalize must be federated, local or none, got 'global'", str(e.exception))

    def test_local_scaler_is_the_population_mean_and_deviation_and_1_for_a_constant_feature(self):
        s = fit_scaler(np.array([[1, 5], [3, 5]], dtype=np.float32))
        np.testing.assert_array_equal([2, 5], s.mean)
        np.testing.assert_array_equal([1, 1], s.std)
        np.testing.assert_array_equal([[-1, 0], [1, 0]], s.transform(np.array([[1, 5], [3, 5]], dtype=np.float32)))

    def test_federated_scaler_is_read_from_the_config(self):
        s = federated_scaler({"normalize_mean": "1,2", "normalize_std": "2,0.5"}, 2)
        np.testing.assert_array_equal([[0, 0], [1, 8]], s.transform(self.X))

    def test_federated_scaler_refuses_malformed_values_naming_the_key(self):
        for config, message in (({"normalize_std": "1,1"}, "config normalize_mean is missing"),
                                ({"normalize_mean": "1", "normalize_std": "1,1"}, "config normalize_mean must hold 2"),
                                ({"normalize_mean": "1,2,3,4", "normalize_std": "1,1"}, "must hold 2 comma-separated numbers (one per local feature), got more"),
                                ({"normalize_mean": "1,a", "normalize_std": "1,1"}, "config normalize_mean holds a value that is not a number: '1,a'"),
                                ({"normalize_mean": "1,2", "normalize_std": "1,0"}, "config normalize_std value 1 must be finite and > 0")):
            with self.assertRaises(ValueError) as e:
                federated_scaler(config, 2)
            self.assertIn(message, str(e.exception))

    def test_statistics_are_the_means_of_z_and_z_squared(self):
        zeros = [np.zeros(2, np.float32), np.zeros(2, np.float32)]
        self.assertTrue(is_statistics_task({"normalize_statistics": True}))
        self.assertFalse(is_statistics_task({}))
        (m, q), n, metrics = statistics(zeros, {"normalize_statistics": True}, self.X)
        np.testing.assert_array_equal([2, 4], m)
        np.testing.assert_array_equal([5, 20], q)  # (1 + 9) / 2, (4 + 36) / 2
        self.assertEqual((2, {}), (n, metrics))
        # second task: z = (x - (1, 2)) / (2, 2) = [[0, 0], [1, 2]]
        (m, q), _, _ = statistics(zeros, {"normalize_statistics": True, "normalize_mean": "1,2", "normalize_std": "2,2"}, self.X)
        np.testing.assert_array_equal([0.5, 1], m)
        np.testing.assert_array_equal([0.5, 2], q)

    def test_statistics_refuse_values_beyond_the_bound_and_wrong_parameters(self):
        zeros = [np.zeros(2, np.float32), np.zeros(2, np.float32)]
        with self.assertRaises(ValueError) as e:
            statistics(zeros, {"normalize_statistics": True, "normalize_bound": 10.0}, self.X)
        self.assertIn("feature 1: mean 4.0 or mean of squares 20.0 exceeds normalize_bound 10.0", str(e.exception))
        with self.assertRaises(ValueError) as e:
            statistics([np.zeros(3, np.float32)], {"normalize_statistics": True}, self.X)
        self.assertIn("must be two tensors of the 2 local features, got shapes '[[3]]'", str(e.exception))


class Recording(LocalDataClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.trained = []
        self.tested = []

    def train(self, parameters, x, y, settings, seed):
        self.trained.append((x, settings, seed))
        return [p + 1 for p in parameters], 0.25, 7

    def test(self, parameters, x, y):
        self.tested.append(x)
        return 0.5, {"accuracy": 0.75}


class LocalDataClientTest(unittest.TestCase):
    X = np.array([[1, 2], [3, 6]], dtype=np.float32)
    Y = np.array([0, 1])

    def test_answers_statistics_tasks_without_training(self):
        c = Recording(self.X, self.Y)
        params, n, _ = c.fit([np.zeros(2, np.float32)] * 2, {"normalize_statistics": True})
        np.testing.assert_array_equal([2, 4], params[0])
        self.assertEqual((2, 1, []), (n, c.statistics_tasks, c.trained))

    def test_trains_on_features_scaled_as_the_task_says_and_reports_the_metrics(self):
        said = []
        c = Recording(self.X, self.Y, log=said.append)
        config = {"normalize": "federated", "normalize_mean": "1,2", "normalize_std": "2,2", "lr": 0.1, "initial_loss": True}
        params, n, metrics = c.fit([np.zeros(1, np.float32)], config)
        x, s, _ = c.trained[0]
        np.testing.assert_array_equal([[0, 0], [1, 2]], x)
        self.assertEqual(0.1, s.lr)
        np.testing.assert_array_equal([1], params[0])
        self.assertEqual({"initial_loss": 0.5, "train_loss": 0.25, "local_steps": 7.0}, metrics)
        self.assertEqual(2, n)
        c.fit([np.zeros(1, np.float32)], config)
        self.assertEqual(["features standardised with the federation's statistics (federated)"], said)
        c.fit([np.zeros(1, np.float32)], {"normalize": "local"})
        np.testing.assert_array_equal([[-1, -1], [1, 1]], c.trained[2][0])
        c.fit([np.zeros(1, np.float32)], {})
        np.testing.assert_array_equal(self.X, c.trained[3][0])
        self.assertEqual(3, len(said))

    def test_evaluates_held_out_data_scaled_like_the_training_data(self):
        c = Recording(self.X, self.Y, validation=(np.array([[5, 10]], np.float32), np.array([1])))
        loss, n, metrics = c.evaluate([], {"normalize": "federated", "normalize_mean": "1,2", "normalize_std": "2,2"})
        np.testing.assert_array_equal([[2, 4]], c.tested[0])
        self.assertEqual((0.5, 1, {"accuracy": 0.75, "held_out": 1.0}), (loss, n, metrics))
        loss, n, metrics = Recording(self.X, self.Y).evaluate([], {})
        self.assertEqual((2, 0.0), (n, metrics["held_out"]))

    def test_a_malformed_task_fails_naming_the_key(self):
        with self.assertRaises(ValueError) as e:
            Recording(self.X, self.Y).fit([], {"normalize": "federated"})
        self.assertIn("config normalize_mean is missing", str(e.exception))


if __name__ == "__main__":
    unittest.main()
