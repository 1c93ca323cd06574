/**
 * Trained models out of Lianbang: {@link io.lianbang.export.ExportedModel} (spec, parameters,
 * feature scaler, run description) as safetensors ({@link io.lianbang.export.SafeTensors}) and
 * as ONNX ({@link io.lianbang.export.OnnxExport}, from the ONNX messages declared in this
 * module's {@code onnx.proto}); {@link io.lianbang.export.Predictions} turns outputs into classes
 * and probabilities.
 */
package io.lianbang.export;
