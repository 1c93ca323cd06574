"""lianbang.layouts against the "Model layouts" table of docs/protocol.md and the spec grammar."""

import pathlib
import re
import unittest

from lianbang import layouts

PROTOCOL = pathlib.Path(__file__).resolve().parents[3] / "docs" / "protocol.md"
TENSOR = re.compile(r"`([0-9]+\.[a-z]+) \[([0-9, ]*)\]`")


def table(heading):
    """The body rows (trimmed cells) of the first Markdown table after the line starting with heading."""
    lines = PROTOCOL.read_text(encoding="utf-8").splitlines()
    i = next(i for i, line in enumerate(lines) if line.startswith(heading))
    while not lines[i].startswith("|"):
        i += 1
    assert lines[i + 1].startswith("|---"), f"no table after {heading}"
    rows = []
    for line in lines[i + 2:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip()[1:-1].split("|")])
    return rows


def code(cell):
    assert cell.startswith("`") and cell.endswith("`"), cell
    return cell[1:-1]


class DocumentedLayoutTest(unittest.TestCase):
    def test_every_documented_spec_has_the_documented_tensors(self):
        rows = table("### Model layouts")
        kinds = set()
        for row in rows:
            spec = code(row[0])
            kinds.add(spec.split(":")[0])
            tensors = TENSOR.findall(row[1])
            self.assertTrue(tensors, spec)
            with self.subTest(spec=spec):
                self.assertEqual([name for name, _ in tensors], layouts.parameter_names(spec))
                self.assertEqual([tuple(int(d) for d in dims.split(",")) for _, dims in tensors], layouts.layout(spec))
        self.assertEqual(set(layouts.KINDS), kinds)


class LayoutTest(unittest.TestCase):
    def test_dense_weights_are_out_by_in(self):
        self.assertEqual([(1, 13), (1,)], layouts.layout("linear:13"))
        self.assertEqual([(3, 13), (3,)], layouts.layout("linear:13-3"))
        self.assertEqual([(1, 30), (1,)], layouts.layout("logistic:30"))
        self.assertEqual([(10, 784), (10,)], layouts.layout("softmax:784-10"))
        self.assertEqual([(5, 4), (5,), (6, 5), (6,), (2, 6), (2,)], layouts.layout("mlp:4-5-6-2"))
        self.assertEqual(["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"],
                         layouts.parameter_names("mlp:4-5-6-2"))

    def test_lenet_has_61706_parameters(self):
        # LeCun et al.'s LeNet-5 with padding 2 on the first convolution: 156 + 2416 + 48120 + 10164 + 850
        total = 0
        for shape in layouts.layout("lenet"):
            n = 1
            for d in shape:
                n *= d
            total += n
        self.assertEqual(61706, total)

    def test_spec_text_is_read_as_the_engine_reads_it(self):
        self.assertEqual(layouts.layout("mlp:3-4-2"), layouts.layout("  MLP:3- 4 -2 "))
        self.assertEqual(784, layouts.parse("lenet").input_features)
        self.assertEqual(30, layouts.parse("logistic:30").input_features)
        self.assertEqual("mlp:3-4-2", str(layouts.parse("MLP:3-4-2")))

    def test_malformed_specs_are_refused_naming_the_spec(self):
        for spec in ["", "cnn:3", "mlp:3", "mlp:3-x", "mlp:3--2", "linear:13-", "logistic:3-2", "softmax:3",
                     "lenet:3", "linear:0", "linear:-1", "mlp:3-99999999999", "linear:1" + "-1" * 64,
                     "mlp:100000-100000-10"]:
            with self.subTest(spec=spec):
                with self.assertRaises(ValueError) as e:
                    layouts.layout(spec)
                self.assertIn('model spec "' + spec[:60], str(e.exception))

    def test_long_specs_are_abbreviated_in_the_refusal(self):
        with self.assertRaises(ValueError) as e:
            layouts.layout("x" * 10_000)
        self.assertLess(len(str(e.exception)), 400)

    def test_the_limits_are_the_engines(self):
        self.assertEqual(64, layouts.MAX_SIZES)
        self.assertEqual(50_000_000, layouts.MAX_PARAMETERS)
        self.assertEqual(63, len(layouts.layout("mlp:1" + "-1" * 63)) // 2)
        # 7071 * 7071 + 7071 = 50,005,112 parameters: over the limit; 7070 fits
        with self.assertRaises(ValueError):
            layouts.layout("linear:7071-7071")
        self.assertEqual([(7070, 7070), (7070,)], layouts.layout("linear:7070-7070"))


if __name__ == "__main__":
    unittest.main()
