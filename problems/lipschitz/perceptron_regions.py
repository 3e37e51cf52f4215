"""Two threshold units that tell three regions apart."""

from __future__ import annotations

import numpy as np

from problems.authoring import (
    Part,
    Problem,
)

# Candidate weight vectors for a threshold unit, shortest first (a tie keeps the shorter one).
_DIRECTIONS = sorted(
    ((a, b) for a in range(-3, 4) for b in range(-3, 4) if (a, b) != (0, 0)),
    key=lambda w: (w[0] ** 2 + w[1] ** 2, w),
)


def _threshold_unit(points: np.ndarray, on: np.ndarray) -> tuple[np.ndarray, float] | None:
    """Small integer w and b, halfway across the widest gap between the points that must give 1
    and those that must give 0; None if no such w separates them."""
    best = None
    for w in map(np.array, _DIRECTIONS):
        projection = points @ w
        low, high = projection[~on].max(), projection[on].min()
        margin = (high - low) / np.linalg.norm(w)
        if high > low and (best is None or margin > best[0] + 1e-12):
            best = (margin, w.astype(float), -(low + high) / 2)
    return None if best is None else best[1:]


def _separating_units(regions) -> dict | None:
    points = np.array([p for region in regions for p in region["points"]], dtype=float)
    codes = np.array([region["code"] for region in regions for _ in region["points"]], dtype=float)
    units = [_threshold_unit(points, codes[:, i] == 1) for i in range(2)]
    if None in units:
        return None
    (w1, b1), (w2, b2) = units
    return dict(w1=w1, b1=b1, w2=w2, b2=b2)


def _number(x: float) -> str:
    return f"{x:g}"


def _every_point_coded(answer, regions) -> list[str]:
    W = np.array([answer["w1"], answer["w2"]])
    b = np.array([answer["b1"], answer["b2"]])
    failures = []
    for region in regions:
        expected = np.asarray(region["code"], dtype=int)
        for point in np.asarray(region["points"], dtype=float):
            code = (W @ point + b > 0).astype(int)
            if (code != expected).any():
                failures.append(
                    f"point ({_number(point[0])}, {_number(point[1])}) gets code "
                    f"({code[0]}, {code[1]}), expected ({expected[0]}, {expected[1]})."
                )
    return failures


def _json_number(x: float) -> float | int:
    return int(x) if float(x).is_integer() else float(x)


def _perceptron_random(rng: np.random.Generator) -> dict:
    grid = np.array([(a, b) for a in np.arange(0, 5.5, 0.5) for b in np.arange(0, 5.5, 0.5)])
    while True:
        # two hidden lines with small integer normals; the points keep away from them
        W = rng.integers(-2, 3, size=(2, 2))
        b = rng.integers(-10, 11, size=2) / 2
        if not W.any(axis=1).all():
            continue
        pre = grid @ W.T + b
        clear = (np.abs(pre) >= 0.5).all(axis=1)
        grid_codes = (pre > 0).astype(int)
        codes = rng.permutation([(0, 0), (0, 1), (1, 0), (1, 1)])[:3]
        regions = []
        for code in codes:
            candidates = grid[clear & (grid_codes == code).all(axis=1)]
            if len(candidates) < 2:
                break
            chosen = candidates[rng.choice(len(candidates), size=2, replace=False)]
            regions.append(
                dict(points=[[_json_number(c) for c in p] for p in chosen], code=[int(c) for c in code])
            )
        else:
            return dict(regions=regions)


perceptron_regions = Problem(
    id="perceptron-regions",
    title="Two threshold units that tell three regions apart",
    statement=r"""
Two threshold units read a point $x \in \mathbb{R}^2$:

$$h_i = \begin{cases} 1 & \text{if } w_i \cdot x + b_i > 0, \\ 0 & \text{otherwise,} \end{cases}
\qquad i = 1, 2.$$

Together they give each point a code $(h_1, h_2)$. Row $l$ of the table lists the points of
region $S_l$ (one point per row of the matrix) and the code every point of $S_l$ must get:

$${{regions}}$$

Find $w_1, b_1, w_2, b_2$ such that every point gets its region's code. Answer with an object
`{"w1": 2 entries, "b1": a number, "w2": 2 entries, "b2": a number}`; any weights that work
are right. Give exact numbers (e.g. 2.5 or 5/2): a point exactly on a unit's line gets 0.
""",
    parts=(
        Part(
            "units",
            "property",
            'the two units, {"w1": 2 entries, "b1": a number, "w2": 2 entries, "b2": a number}',
            check=_every_point_coded,
            shape={"w1": (2,), "b1": (), "w2": (2,), "b2": ()},
        ),
    ),
    default=dict(
        regions=[
            dict(points=[[0, 0], [1, 1]], code=[1, 0]),
            dict(points=[[2, 2], [2.5, 3]], code=[1, 1]),
            dict(points=[[4, 1], [5, 0]], code=[0, 1]),
        ]
    ),
    steps=dict(
        # each unit on its own: a line with the points coded 1 on one side, the rest on the other
        units=lambda regions: _separating_units(regions),
    ),
    random=_perceptron_random,
    valid=lambda v: v.units is not None,
)
