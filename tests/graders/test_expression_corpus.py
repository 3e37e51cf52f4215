"""Every labeled answer of the corpus gets its status and kind of feedback."""

from collections import Counter

import pytest

from graders.kinds.expression import check
from problems import registry
from tests.graders.expression_corpus import CORPUS


def _id(item):
    return f"{item['part']}:{item['answer'][:40]}"


@pytest.mark.parametrize("item", CORPUS, ids=[_id(i) for i in CORPUS])
def test_corpus_item(item):
    part = registry.get(item["problem"]).part(item["part"])
    result = check(part, item["answer"])
    assert (result.status, result.kind) == (item["status"], item["kind"]), result.feedback
    assert result.feedback
    assert result.credit == {"correct": 1.0, "partial": part.layout_credit}.get(result.status, 0.0)


def test_the_corpus_is_large_and_covers_every_kind_of_feedback():
    assert len(CORPUS) >= 150
    kinds = Counter(item["kind"] for item in CORPUS)
    for kind in ("correct", "transpose", "sign", "multiple", "symmetric", "mistake", "shape",
                 "undefined", "wrong", "syntax", "unknown-symbol", "limit", "invalid"):
        assert kinds[kind] >= 1, kind
    assert {(i["problem"], i["part"]) for i in CORPUS} == {
        (p.id, part.id) for p in registry.PROBLEMS.values() for part in p.parts
        if part.kind == "expression"}


def test_the_corpus_covers_the_syntax():
    text = " ".join(item["answer"] for item in CORPUS)
    for spelling in ("^T", ".T", "'", r"^\top", "ᵀ", "^{-1}", "^-1", "⁻¹", "inv(", "@", "*", "·",
                     r"\cdot", "⊙", ".*", r"\odot", "/", r"\frac", r"\left(", "{", r"\mathbf",
                     r"\boldsymbol", "tr(", r"\operatorname{tr}", "det(", "diag(", " I", "exp(",
                     "ln(", "log(", "sqrt(", "sigma(", "tanh(", "−", "_", r"\beta_2", "β2",
                     "ŷ", r"\hat{y}", "transpose(", "np."):
        assert spelling in text, spelling
